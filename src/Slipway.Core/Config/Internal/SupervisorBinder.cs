namespace Slipway.Core.Config.Internal;

/// <summary>Binds <c>supervisor:</c>: a kind (<c>slipway</c> or <c>supervisord</c>) or a mapping with the details.</summary>
internal static class SupervisorBinder
{
    public static SupervisorConfig Bind(Section root)
    {
        if (root.Get(ConfigKeys.Supervisor) is not { } node)
        {
            return new SupervisorConfig();
        }

        var context = root.Context;
        if (node is ConfigScalar)
        {
            var kind = ValueReader.Enum(context, node, ConfigKeys.Supervisor, ConfigKeys.SupervisorKinds);
            return new SupervisorConfig { Kind = Kind(kind), Location = node.Location };
        }

        var s = context.Section(node, ConfigKeys.Supervisor, ConfigKeys.SupervisorKeys,
            "slipway, supervisord, or a mapping such as { kind: supervisord, socket: /var/run/supervisor.sock }");
        if (s is null)
        {
            return new SupervisorConfig();
        }

        var socket = AbsolutePath(s, "socket");
        var programs = AbsolutePath(s, "programs_file");
        return new SupervisorConfig
        {
            Kind = Kind(s.Enum("kind", ConfigKeys.SupervisorKinds)),
            Socket = socket,
            ProgramsFile = programs,
            StartTimeout = s.Duration("start_timeout") ?? new SupervisorConfig().StartTimeout,
            Location = s.Location,
        };
    }

    private static SupervisorKind Kind(string? word) => word == "supervisord" ? SupervisorKind.Supervisord : SupervisorKind.Slipway;

    private static string? AbsolutePath(Section s, string key)
    {
        var value = s.String(key);
        if (value is not null && !value.StartsWith('/'))
        {
            s.Context.Error(s.Get(key)!, s.PathOf(key), $"must be an absolute path on the hosts, got \"{value}\"");
            return null;
        }

        return value;
    }
}
