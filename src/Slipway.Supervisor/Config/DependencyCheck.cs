namespace Slipway.Supervisor.Config;

/// <summary>
/// Validates <c>depends_on=</c> across the whole config: every name is a program or a group, and the program
/// graph has no cycle. Errors point at the offending <c>depends_on</c> line.
/// </summary>
internal static class DependencyCheck
{
    /// <summary>The programs a depends_on name stands for: the program itself, or every program of a group.</summary>
    public static IReadOnlyList<string>? Resolve(string name, IReadOnlyList<GroupConfig> groups)
    {
        if (groups.Any(g => g.Processes.Any(p => p.Program == name)))
        {
            return [name];
        }

        return groups.FirstOrDefault(g => g.Name == name)?.Processes.Select(p => p.Program).Distinct(StringComparer.Ordinal).ToList();
    }

    public static void Validate(IReadOnlyList<GroupConfig> groups, IReadOnlyDictionary<string, IniSection> sections)
    {
        var edges = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var p in groups.SelectMany(g => g.Processes))
        {
            if (!edges.TryGetValue(p.Program, out var list))
            {
                edges[p.Program] = list = [];
            }

            foreach (var name in p.Extras.DependsOn)
            {
                var programs = Resolve(name, groups) ?? throw Error(sections, p.Program, $"no program or group named '{name}'");
                list.AddRange(programs.Where(x => !list.Contains(x)));
            }
        }

        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the path, 2 = done
        var path = new List<string>();
        foreach (var start in edges.Keys.Order(StringComparer.Ordinal))
        {
            Visit(start);
        }

        void Visit(string node)
        {
            if (state.GetValueOrDefault(node) == 2)
            {
                return;
            }

            if (state.GetValueOrDefault(node) == 1)
            {
                var cycle = path.Skip(path.IndexOf(node)).Append(node);
                throw Error(sections, node, "dependency cycle: " + string.Join(" -> ", cycle));
            }

            state[node] = 1;
            path.Add(node);
            foreach (var next in edges.GetValueOrDefault(node) ?? [])
            {
                Visit(next);
            }

            path.RemoveAt(path.Count - 1);
            state[node] = 2;
        }
    }

    private static ConfigException Error(IReadOnlyDictionary<string, IniSection> sections, string program, string problem)
    {
        if (sections.TryGetValue(program, out var s))
        {
            return s.Get("depends_on") is { } option ? ConfigException.At(option, s.Name, problem) : ConfigException.At(s, problem);
        }

        return new ConfigException($"[program:{program}] depends_on: {problem}");
    }
}
