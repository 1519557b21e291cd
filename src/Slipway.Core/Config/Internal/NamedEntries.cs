namespace Slipway.Core.Config.Internal;

/// <summary>Sections that map names to items (<c>processes:</c>, <c>health:</c>): the mapping, name rules, then each item.</summary>
internal static class NamedEntries
{
    /// <param name="root">The top level.</param>
    /// <param name="key">The section's key.</param>
    /// <param name="noun">What one item is, for messages ("process").</param>
    /// <param name="example">A good name, for messages ("web or worker").</param>
    /// <param name="bind">Binds one item from its name, node and key path; null after reporting what is wrong.</param>
    public static List<T> Bind<T>(Section root, string key, string noun, string example, Func<BindContext, string, ConfigNode, string, T?> bind)
        where T : class
    {
        var result = new List<T>();
        if (root.Get(key) is not { } node)
        {
            return result;
        }

        var context = root.Context;
        if (node is not ConfigMapping mapping)
        {
            context.Error(node, key, $"must be a mapping of {noun} names to {noun}{(noun.EndsWith('s') ? "es" : "s")}, got {node.Describe()}");
            return result;
        }

        foreach (var (name, value) in context.UniqueEntries(mapping, key))
        {
            var path = Paths.Child(key, name.Value);
            if (!Names.IsName(name.Value))
            {
                context.Error(name, path, $"{noun} names are lowercase letters, digits, '-' and '_', such as {example}");
                continue;
            }

            if (bind(context, name.Value, value, path) is { } item)
            {
                result.Add(item);
            }
        }

        return result;
    }
}
