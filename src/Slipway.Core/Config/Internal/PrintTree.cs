namespace Slipway.Core.Config.Internal;

/// <summary>An ordered mapping for printing: keys stay in the order we add them, unlike a Dictionary's unspecified order.</summary>
internal sealed class PrintMap : List<KeyValuePair<string, object?>>
{
    public PrintMap Add(string key, object? value)
    {
        Add(new KeyValuePair<string, object?>(key, value));
        return this;
    }
}

/// <summary>Builds the resolved view of one stage that <c>config show</c> prints, with every default filled in. Pure.</summary>
internal static class PrintTree
{
    public static PrintMap Build(SlipwayConfig config, StageConfig stage)
    {
        var map = new PrintMap()
            .Add("application", config.Application)
            .Add("repo_url", config.RepoUrl)
            .Add("deploy_to", config.DeployTo)
            .Add("keep_releases", config.KeepReleases)
            .Add("branch", stage.Branch)
            .Add("source_strategy", config.SourceStrategy)
            .Add("linked_dirs", config.LinkedDirs.ToList<object?>())
            .Add("linked_files", config.LinkedFiles.ToList<object?>())
            .Add("ssh", Ssh(config.Ssh))
            .Add("stage", stage.Name)
            .Add("hosts", Hosts(stage))
            .Add("requirements", config.Requirements.Select(Requirement).ToList<object?>())
            .Add("hooks", Hooks(config))
            .Add("processes", Processes(config));
        foreach (var (key, value) in config.Extensions)
        {
            map.Add(key, Plain(value));
        }

        return map;
    }

    private static PrintMap Ssh(SshSettings ssh) => new PrintMap()
        .Add("user", ssh.User)
        .Add("identity_file", ssh.IdentityFile)
        .Add("known_hosts", ssh.KnownHosts)
        .Add("host_key_policy", ssh.HostKeyPolicy == HostKeyPolicy.AcceptNew ? "accept-new" : "strict")
        .Add("config_file", ssh.ConfigFile)
        .Add("connect_timeout", (int)ssh.ConnectTimeout.TotalSeconds)
        .Add("command_timeout", ssh.CommandTimeout is { } t ? (int)t.TotalSeconds : null)
        .Add("max_parallel", ssh.MaxParallel);

    private static List<object?> Hosts(StageConfig stage)
    {
        // The documented rule: with no host marked primary, the first host is.
        var anyPrimary = stage.Hosts.Any(h => h.Primary);
        return [.. stage.Hosts.Select((h, i) => (object?)WithDeployTo(h, new PrintMap()
            .Add("host", h.Host)
            .Add("port", h.Port)
            .Add("user", h.User)
            .Add("roles", h.Roles.ToList<object?>())
            .Add("transport", h.Transport == TransportKind.Local ? "local" : "ssh")
            .Add("identity_file", h.IdentityFile)
            .Add("primary", h.Primary || (!anyPrimary && i == 0))))];
    }

    // Shown only when the host sets its own, so files without per-host paths print as before.
    private static PrintMap WithDeployTo(HostConfig host, PrintMap map) =>
        host.DeployTo is null ? map : map.Add("deploy_to", host.DeployTo);

    private static PrintMap Requirement(RequirementConfig r)
    {
        var key = ConfigKeys.RequirementKinds.First(k => k.Kind == r.Kind).Key;
        var map = r.Kind == RequirementKind.FreeDisk
            ? new PrintMap().Add(key, r.MinimumBytes).Add("path", r.Target)
            : new PrintMap().Add(key, r.Target);
        return map.Add("roles", r.Roles.ToList<object?>());
    }

    private static PrintMap Hooks(SlipwayConfig config)
    {
        var map = new PrintMap();
        foreach (var (point, hooks) in config.Hooks)
        {
            map.Add(point, hooks.Select(h => (object?)new PrintMap()
                .Add("run", h.Run).Add("roles", h.Roles.ToList<object?>()).Add("once", h.Once)).ToList());
        }

        return map;
    }

    private static PrintMap Processes(SlipwayConfig config)
    {
        var map = new PrintMap();
        foreach (var p in config.Processes)
        {
            var environment = new PrintMap();
            foreach (var (name, value) in p.Environment)
            {
                environment.Add(name, value);
            }

            map.Add(p.Name, new PrintMap()
                .Add("command", p.Command)
                .Add("directory", p.Directory)
                .Add("numprocs", p.NumProcs)
                .Add("autostart", p.AutoStart)
                .Add("autorestart", p.AutoRestart)
                .Add("startsecs", p.StartSecs)
                .Add("stopsignal", p.StopSignal)
                .Add("user", p.User)
                .Add("environment", environment)
                .Add("roles", p.Roles.ToList<object?>()));
        }

        return map;
    }

    /// <summary>Extension trees use dictionaries; turn them into ordered maps so both printers see one shape.</summary>
    private static object? Plain(object? value) => value switch
    {
        IReadOnlyDictionary<string, object?> dict => dict.Aggregate(new PrintMap(), (m, kv) => m.Add(kv.Key, Plain(kv.Value))),
        IEnumerable<object?> list => list.Select(Plain).ToList(),
        _ => value,
    };
}
