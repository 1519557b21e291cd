namespace Slipway.Core.Config.Internal;

/// <summary>Binds <c>ssh:</c>, the defaults every SSH host starts from.</summary>
internal static class SshBinder
{
    // A day: long enough for any migration, short enough to notice a hung command.
    private const int MaxCommandTimeoutSeconds = 86_400;

    // An hour: an idle connection kept longer is a session nobody is watching.
    private const int MaxControlPersistSeconds = 3_600;

    public static SshSettings? Bind(BindContext context, ConfigNode node, string path)
    {
        var s = context.Section(node, path, ConfigKeys.SshKeys, "a mapping of SSH settings");
        if (s is null)
        {
            return null;
        }

        var defaults = new SshSettings();
        var connect = s.Int("connect_timeout", 1, 300);
        var command = s.Int("command_timeout", 1, MaxCommandTimeoutSeconds);
        var persist = s.Int("control_persist", 0, MaxControlPersistSeconds);
        return new SshSettings
        {
            User = s.String("user"),
            IdentityFile = s.String("identity_file"),
            KnownHosts = s.String("known_hosts"),
            HostKeyPolicy = s.Enum("host_key_policy", ConfigKeys.HostKeyPolicies) == "accept-new"
                ? HostKeyPolicy.AcceptNew
                : HostKeyPolicy.Strict,
            ConfigFile = s.String("config_file"),
            ConnectTimeout = connect is null ? defaults.ConnectTimeout : TimeSpan.FromSeconds(connect.Value),
            CommandTimeout = command is null ? null : TimeSpan.FromSeconds(command.Value),
            MaxParallel = s.Int("max_parallel", 1, 500) ?? defaults.MaxParallel,
            ControlPersist = persist switch
            {
                null => defaults.ControlPersist,
                0 => null, // opted out: connect afresh every run
                _ => TimeSpan.FromSeconds(persist.Value),
            },
        };
    }
}
