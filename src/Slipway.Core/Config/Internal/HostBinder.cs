namespace Slipway.Core.Config.Internal;

/// <summary>Binds one entry of a stage's <c>hosts:</c>, merging the <c>ssh:</c> defaults into it.</summary>
internal static class HostBinder
{
    internal sealed record BoundHost(HostConfig Host, string Path, SourceLocation PrimaryLocation);

    private static readonly string[] LocalNames = ["localhost", "127.0.0.1", "::1"];

    // A local host runs commands as the current user without SSH; these would be silently ignored.
    private static readonly string[] NotForLocal = ["port", "user"];

    public static BoundHost? Bind(BindContext context, ConfigNode node, string path, SshSettings ssh)
    {
        var s = context.Section(node, path, ConfigKeys.HostKeys, "a mapping such as { host: example.com, roles: [web] }");
        if (s is null)
        {
            return null;
        }

        var host = s.RequiredString("host", "a host name, address or ssh_config alias");
        if (host is not null && host.Any(char.IsWhiteSpace))
        {
            context.Error(s.Get("host")!, s.PathOf("host"),
                $"must be a host name, address or ssh_config alias without spaces, got \"{host}\"");
            host = null;
        }

        var port = s.Int("port", 1, 65535);
        var user = s.String("user");
        var roles = s.Roles(recordUse: false);
        var transport = s.Enum("transport", ConfigKeys.Transports) == "local" ? TransportKind.Local : TransportKind.Ssh;
        var identityFile = s.String("identity_file");
        var primary = s.Bool("primary") ?? false;
        var deployTo = s.String(ConfigKeys.DeployTo);
        if (deployTo is not null && !deployTo.StartsWith('/'))
        {
            context.Error(s.Get(ConfigKeys.DeployTo)!, s.PathOf(ConfigKeys.DeployTo),
                $"must be an absolute path (starting with /), got \"{deployTo}\"");
        }

        if (transport == TransportKind.Local)
        {
            if (host is not null && !LocalNames.Contains(host, StringComparer.OrdinalIgnoreCase))
            {
                context.Error(s.Get("transport")!, s.PathOf("transport"),
                    $"'local' is only allowed for host localhost, 127.0.0.1 or ::1; this host is \"{host}\"");
            }

            foreach (var key in NotForLocal.Where(s.Has))
            {
                context.Error(s.KeyLocation(key), s.PathOf(key),
                    $"a host with transport: local must not set {key} (commands run as the current user, without SSH)");
            }
        }

        if (host is null || context.HasErrorsUnder(path))
        {
            return null;
        }

        var local = transport == TransportKind.Local;
        var config = new HostConfig
        {
            Host = host,
            Port = port,
            User = user ?? (local ? null : ssh.User),
            Roles = roles,
            Transport = transport,
            IdentityFile = identityFile ?? (local ? null : ssh.IdentityFile),
            Primary = primary,
            DeployTo = deployTo,
            Vars = ProcessesBinder.BindVariables(s, "vars"),
            Location = s.Location,
        };
        return new BoundHost(config, path, s.KeyLocation("primary"));
    }
}
