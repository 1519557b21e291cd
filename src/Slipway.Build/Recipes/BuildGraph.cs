namespace Slipway.Build.Recipes;

/// <summary>Thrown for a dependency cycle; <see cref="Cycle"/> lists it with the first package repeated at the end.</summary>
public sealed class DependencyCycleException(IReadOnlyList<string> cycle)
    : Exception($"dependency cycle: {string.Join(" -> ", cycle)}")
{
    public IReadOnlyList<string> Cycle { get; } = cycle;
}

/// <summary>The packages as a DAG (pure): a topological order and the closure of a selection.</summary>
public sealed class BuildGraph
{
    private readonly Dictionary<string, PackageRecipe> _byName;

    private BuildGraph(Dictionary<string, PackageRecipe> byName, IReadOnlyList<PackageRecipe> order)
    {
        _byName = byName;
        Order = order;
    }

    /// <summary>Every package, dependencies before dependents; ties keep the declaration order (stable output).</summary>
    public IReadOnlyList<PackageRecipe> Order { get; }

    public PackageRecipe this[string name] => _byName[name];

    /// <summary>Validates the recipes, then orders them; throws <see cref="DependencyCycleException"/> naming a cycle.</summary>
    public static BuildGraph Create(IReadOnlyList<PackageRecipe> recipes)
    {
        RecipeValidator.ThrowIfInvalid(recipes);
        var byName = recipes.ToDictionary(r => r.Name, StringComparer.Ordinal);
        var order = new List<PackageRecipe>();
        var state = new Dictionary<string, Visit>(StringComparer.Ordinal);
        var path = new List<string>();
        foreach (var recipe in recipes)
        {
            Visit(recipe.Name);
        }

        return new BuildGraph(byName, order);

        // Depth-first with an explicit path so that the cycle found can be named in full.
        void Visit(string name)
        {
            switch (state.GetValueOrDefault(name))
            {
                case Recipes.Visit.Done:
                    return;
                case Recipes.Visit.OnPath:
                    var start = path.IndexOf(name);
                    throw new DependencyCycleException([.. path[start..], name]);
            }

            state[name] = Recipes.Visit.OnPath;
            path.Add(name);
            foreach (var dependency in byName[name].Depends)
            {
                Visit(dependency);
            }

            path.RemoveAt(path.Count - 1);
            state[name] = Recipes.Visit.Done;
            order.Add(byName[name]);
        }
    }

    /// <summary>The selected packages and everything they depend on, in topological order; all of them when none is selected.</summary>
    public IReadOnlyList<PackageRecipe> Closure(IReadOnlyCollection<string> selected)
    {
        ArgumentNullException.ThrowIfNull(selected);
        if (selected.Count == 0)
        {
            return Order;
        }

        var needed = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(selected);
        while (stack.TryPop(out var name))
        {
            if (!_byName.TryGetValue(name, out var recipe))
            {
                throw new ArgumentException($"unknown package '{name}'", nameof(selected));
            }

            if (needed.Add(name))
            {
                foreach (var dependency in recipe.Depends)
                {
                    stack.Push(dependency);
                }
            }
        }

        return [.. Order.Where(r => needed.Contains(r.Name))];
    }
}

internal enum Visit
{
    NotSeen,
    OnPath,
    Done,
}
