namespace Slipway.Core.Config.Internal;

/// <summary>Binds <c>hooks:</c>: per hook point, a list of commands (plain strings or <c>{ run, roles, once }</c>).</summary>
internal static class HooksBinder
{
    public static Dictionary<string, IReadOnlyList<HookConfig>> Bind(Section root)
    {
        var result = new Dictionary<string, IReadOnlyList<HookConfig>>(StringComparer.Ordinal);
        if (root.Get(ConfigKeys.Hooks) is not { } node)
        {
            return result;
        }

        var context = root.Context;
        var s = context.Section(node, ConfigKeys.Hooks, HookPoints.All, "a mapping of hook points to lists of commands");
        if (s is null)
        {
            return result;
        }

        // Deploy order, not file order: that is the order they run in, and what `config show` should show.
        foreach (var point in HookPoints.All)
        {
            if (s.Get(point) is not { } list)
            {
                continue;
            }

            var path = s.PathOf(point);
            if (list is not ConfigSequence sequence)
            {
                context.Error(list, path, $"must be a list of commands, got {list.Describe()}");
                continue;
            }

            var hooks = new List<HookConfig>();
            for (var i = 0; i < sequence.Items.Count; i++)
            {
                if (BindHook(context, sequence.Items[i], Paths.Index(path, i)) is { } hook)
                {
                    hooks.Add(hook);
                }
            }

            result[point] = hooks;
        }

        return result;
    }

    private static HookConfig? BindHook(BindContext context, ConfigNode node, string path)
    {
        if (node is ConfigScalar)
        {
            var command = ValueReader.NonEmptyString(context, node, path);
            return command is null ? null : new HookConfig { Run = command, Location = node.Location };
        }

        var s = context.Section(node, path, ConfigKeys.HookKeys, "a command string or a mapping such as { run: \"…\", roles: [web] }");
        if (s is null)
        {
            return null;
        }

        var run = s.RequiredString("run", "the shell command to run");
        var roles = s.Roles(recordUse: true);
        var once = s.Bool("once") ?? false;
        return run is null ? null : new HookConfig { Run = run, Roles = roles, Once = once, Location = s.Location };
    }
}
