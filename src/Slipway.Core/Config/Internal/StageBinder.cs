namespace Slipway.Core.Config.Internal;

/// <summary>Binds <c>stages:</c> and checks each stage's host list as a whole (duplicates, primaries).</summary>
internal static class StageBinder
{
    private const string Hint = "at least one stage, such as production: { hosts: [ { host: example.com } ] }";

    public static List<StageConfig> BindAll(Section root, SshSettings ssh, string defaultBranch)
    {
        var context = root.Context;
        var stages = new List<StageConfig>();
        if (root.Required(ConfigKeys.Stages, Hint) is not { } node)
        {
            return stages;
        }

        if (node is not ConfigMapping mapping)
        {
            context.Error(node, ConfigKeys.Stages, $"must be a mapping of stage names to stages, got {node.Describe()}");
            return stages;
        }

        var entries = context.UniqueEntries(mapping, ConfigKeys.Stages);
        if (entries.Count == 0)
        {
            context.Error(node, ConfigKeys.Stages, "must define at least one stage");
        }

        foreach (var (key, value) in entries)
        {
            var path = Paths.Child(ConfigKeys.Stages, key.Value);
            if (!Names.IsName(key.Value))
            {
                context.Error(key, path, "stage names are lowercase letters, digits, '-' and '_', such as production");
                continue;
            }

            if (Bind(context, key, value, path, ssh, defaultBranch) is { } stage)
            {
                stages.Add(stage);
            }
        }

        return stages;
    }

    private static StageConfig? Bind(
        BindContext context, ConfigScalar name, ConfigNode node, string path, SshSettings ssh, string defaultBranch)
    {
        var s = context.Section(node, path, ConfigKeys.StageKeys, "a mapping with branch and hosts");
        if (s is null)
        {
            return null;
        }

        var branch = s.Get(ConfigKeys.Branch) is { } b ? ValueReader.NonEmptyString(context, b, s.PathOf(ConfigKeys.Branch)) : null;
        var hosts = new List<HostBinder.BoundHost>();
        if (s.Required("hosts", "a list such as [ { host: example.com, roles: [web] } ]") is { } hostsNode)
        {
            var hostsPath = s.PathOf("hosts");
            if (hostsNode is not ConfigSequence sequence)
            {
                context.Error(hostsNode, hostsPath, $"must be a list of hosts, got {hostsNode.Describe()}");
            }
            else if (sequence.Items.Count == 0)
            {
                context.Error(hostsNode, hostsPath, "a stage needs at least one host");
            }
            else
            {
                for (var i = 0; i < sequence.Items.Count; i++)
                {
                    if (HostBinder.Bind(context, sequence.Items[i], Paths.Index(hostsPath, i), ssh) is { } host)
                    {
                        hosts.Add(host);
                    }
                }

                CheckDuplicates(context, hosts);
                CheckPrimary(context, hosts);
            }
        }

        return new StageConfig
        {
            Name = name.Value,
            Branch = branch ?? defaultBranch,
            Hosts = [.. hosts.Select(h => h.Host)],
            Location = name.Location,
        };
    }

    private static void CheckDuplicates(BindContext context, List<HostBinder.BoundHost> hosts)
    {
        var seen = new Dictionary<(string, int, string, TransportKind), HostBinder.BoundHost>();
        foreach (var bound in hosts)
        {
            var h = bound.Host;
            var key = (h.Host.ToLowerInvariant(), h.Port ?? 22, h.User ?? "", h.Transport);
            if (seen.TryGetValue(key, out var first))
            {
                context.Error(h.Location, bound.Path,
                    $"duplicate host {h.DisplayName}: same host, port and user as {LastSegment(first.Path)} " +
                    $"at line {first.Host.Location.Line}");
                continue;
            }

            seen.Add(key, bound);
        }
    }

    private static void CheckPrimary(BindContext context, List<HostBinder.BoundHost> hosts)
    {
        HostBinder.BoundHost? first = null;
        foreach (var bound in hosts.Where(h => h.Host.Primary))
        {
            if (first is null)
            {
                first = bound;
                continue;
            }

            context.Error(bound.PrimaryLocation, Paths.Child(bound.Path, "primary"),
                $"only one host per stage may be primary; {LastSegment(first.Path)} at line {first.Host.Location.Line} already is");
        }
    }

    private static string LastSegment(string path) => path[(path.LastIndexOf('.') + 1)..];
}
