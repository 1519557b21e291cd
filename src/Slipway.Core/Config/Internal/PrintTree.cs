namespace Slipway.Core.Config.Internal;

/// <summary>An ordered mapping for printing: keys stay in the order we add them, unlike a Dictionary's unspecified order.</summary>
internal sealed class PrintMap : List<KeyValuePair<string, object?>>
{
    public PrintMap Add(string key, object? value)
    {
        Add(new KeyValuePair<string, object?>(key, value));
        return this;
    }

    /// <summary>Adds the key only when <paramref name="present"/>: a section that is not configured is left out rather than shown as null.</summary>
    public PrintMap AddWhen(bool present, string key, Func<object?> value) => present ? Add(key, value()) : this;
}

/// <summary>Builds the resolved view of one stage that <c>config show</c> prints, with every default filled in. Pure.</summary>
internal static class PrintTree
{
    public static PrintMap Build(SlipwayConfig config, StageConfig stage)
    {
        var map = new PrintMap()
            .Add("application", config.Application)
            .Add("repo_url", UrlWithoutPassword(config.RepoUrl))
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
        if (config.Workers.Count > 0)
        {
            map.Add("workers", Workers(config)); // only when used, so files without workers print as before
        }

        if (config.PhaseTimeouts != new PhaseTimeouts())
        {
            // Only when the file sets one, so files without the section print as before.
            var t = config.PhaseTimeouts;
            map.Add("phase_timeouts", new PrintMap().Add("check", Duration(t.Check)).Add("update", Duration(t.Update))
                .Add("publish", Duration(t.Publish)).Add("finish", Duration(t.Finish)).Add("undo", Duration(t.Undo)));
        }

        AddRecipeSections(map, config);
        if (config.Logs is { } logs)
        {
            map.Add("logs", Logs(logs));
        }

        if (config.Queue is { } queue)
        {
            map.Add("queue", Queue(queue));
        }

        if (config.Monitor is { } monitor)
        {
            map.Add("monitor", Monitor(monitor, stage));
        }

        if (config.Build is { } build)
        {
            map.Add("build", Build(build));
        }

        foreach (var (key, value) in config.Extensions)
        {
            map.Add(key, Plain(value));
        }

        return map;
    }

    // Secrets are shown as *** (set) or null (unset): config show is for reading what a stage runs with, and its output
    // ends up in terminals, tickets and CI logs.
    private static string? Secret(string? value) => value is null ? null : "***";

    private static PrintMap LogUsers(IReadOnlyList<LogUserConfig> users)
    {
        var map = new PrintMap();
        foreach (var user in users)
        {
            map.Add(user.Name, new PrintMap().Add("role", user.Admin ? "admin" : "viewer").Add("password_hash", Secret(user.PasswordHash)));
        }

        return map;
    }

    // Env values are shown: a build's environment is part of its key and printed in manifests, so it holds no secrets.
    private static PrintMap Build(BuildConfig build)
    {
        var packages = new PrintMap();
        foreach (var p in build.Packages)
        {
            var source = new PrintMap();
            switch (p.Source.Kind)
            {
                case "git":
                    source.Add("git", UrlWithoutPassword(p.Source.Url)).Add("ref", p.Source.Ref);
                    break;
                case "tarball":
                    source.Add("tarball", UrlWithoutPassword(p.Source.Url)).Add("sha256", p.Source.Sha256);
                    break;
                default:
                    source.Add("path", p.Source.Path);
                    break;
            }

            var env = new PrintMap();
            foreach (var (name, value) in p.Env)
            {
                env.Add(name, value);
            }

            packages.Add(p.Name, new PrintMap()
                .Add("source", source)
                .Add("patches", p.Patches.ToList<object?>())
                .Add("steps", p.Steps.ToList<object?>())
                .Add("depends", p.Depends.ToList<object?>())
                .Add("env", env)
                .Add("env_allowlist", p.EnvAllowlist.ToList<object?>())
                .Add("tools", p.Tools.ToList<object?>())
                .Add("platform", p.Platform));
        }

        var map = new PrintMap().Add("packages", packages).Add("store", build.Store).Add("jobs", build.Jobs ?? 1);
        if (build.S3 is { } s3)
        {
            map.Add("s3", new PrintMap()
                .Add("url", s3.Url)
                .Add("endpoint", s3.Endpoint)
                .Add("region", s3.Region)
                .Add("profile", s3.Profile)
                .Add("timeout", Duration(s3.Timeout))
                .Add("read_only", s3.ReadOnly)
                .Add("hosts_fetch", s3.HostsFetch));
        }

        if (build.Signing is { } signing)
        {
            map.Add("signing", new PrintMap().Add("key", signing.Key).Add("public_key", signing.PublicKey));
        }

        return map;
    }

    private static PrintMap Logs(LogsConfig logs) => new PrintMap()
        .Add("db", UrlWithoutPassword(logs.Db))
        .Add("syslog_udp", logs.SyslogUdp)
        .Add("syslog_tcp", logs.SyslogTcp)
        .Add("http", logs.Http)
        .Add("token", Secret(logs.Token))
        .Add("retention_days", logs.RetentionDays)
        .Add("spool", logs.Spool)
        .Add("base_url", logs.BaseUrl)
        .Add("deploy_history", logs.DeployHistory)
        .Add("watch_after_deploy", logs.WatchAfterDeploy is { } watch ? Duration(watch) : null)
        .Add("users", LogUsers(logs.Users))
        .Add("digest", new PrintMap()
            .Add("smtp", logs.Digest.Smtp)
            .Add("smtp_user", logs.Digest.SmtpUser)
            .Add("smtp_password", Secret(logs.Digest.SmtpPassword))
            .Add("starttls", logs.Digest.StartTls)
            .Add("from", logs.Digest.From)
            .Add("to", logs.Digest.To.ToList<object?>())
            .Add("since", logs.Digest.Since is { } since ? Duration(since) : null)
            .Add("top", logs.Digest.Top)
            .Add("schedule", logs.Digest.Schedule));

    /// <summary>
    /// A slipway.yml for the workers on one host (see <see cref="ConfigPrinter.WorkerFile"/>): the application, a stage
    /// naming only this host, and the queue section with its secrets (the file is written mode 0600).
    /// </summary>
    public static PrintMap WorkerFile(SlipwayConfig config, HostConfig host, string queueUrl)
    {
        var queue = config.Queue ?? QueueConfig.DefaultFor(config.SourceFile);
        return new PrintMap()
            .Add("application", config.Application)
            .Add("deploy_to", HostDeployTo(config, host))
            .Add("stages", new PrintMap().Add("host", new PrintMap()
                .Add("hosts", new List<object?> { new PrintMap().Add("host", host.Host) })))
            .Add("queue", Queue(queue with { Url = queueUrl }, revealSecrets: true));
    }

    private static string HostDeployTo(SlipwayConfig config, HostConfig host) => host.DeployTo ?? config.DeployTo;

    private static PrintMap Queue(QueueConfig queue) => Queue(queue, revealSecrets: false);

    // '$' is doubled where a secret is written out: the loader reads "$$" as "$" and "${X}" as a variable.
    private static PrintMap Queue(QueueConfig queue, bool revealSecrets) => new PrintMap()
        .Add("url", revealSecrets ? Dollars(queue.Url) : UrlWithoutPassword(queue.Url))
        .Add("lease", Duration(queue.Lease))
        .Add("retry", new PrintMap()
            .Add("max_attempts", queue.Retry.MaxAttempts)
            .Add("base_delay", Duration(queue.Retry.BaseDelay))
            .Add("max_delay", Duration(queue.Retry.MaxDelay))
            .Add("jitter", queue.Retry.Jitter))
        .Add("retention", new PrintMap()
            .Add("succeeded", Duration(queue.Retention.Succeeded))
            .Add("succeeded_per_queue", queue.Retention.SucceededPerQueue)
            .Add("dead", Duration(queue.Retention.Dead))
            .Add("dead_per_queue", queue.Retention.DeadPerQueue))
        .Add("limits", queue.Limits.Aggregate(new PrintMap(), (m, l) => m.Add(l.Queue, l.Limit)))
        .Add("rates", queue.Rates.Aggregate(new PrintMap(), (m, r) => m.Add(r.Queue, r.Rate.ToString())))
        .Add("worker", new PrintMap()
            .Add("concurrency", queue.Worker.Concurrency)
            .Add("timeout", queue.Worker.Timeout is { } t ? Duration(t) : "0")
            .Add("stop_grace", Duration(queue.Worker.StopGrace))
            .Add("poll", Duration(queue.Worker.Poll)))
        .Add("http", queue.Http ?? QueueConfig.DefaultHttp)
        .Add("token", revealSecrets ? Dollars(queue.Token) : Secret(queue.Token))
        .Add("schedules", queue.Schedules.Aggregate(new PrintMap(), (m, c) => m.Add(c.Name, new PrintMap()
            .Add("cron", c.Cron.Expression)
            .Add("tz", c.Cron.Zone.Id)
            .Add("queue", c.Queue)
            .Add("payload", revealSecrets ? Dollars(c.Payload) : c.Payload)
            .Add("max_attempts", c.MaxAttempts))))
        .Add("logs", queue.Logs is { } logs
            ? new PrintMap().Add("url", logs.Url).Add("token", revealSecrets ? Dollars(logs.Token) : Secret(logs.Token))
            : null);

    /// <summary>A value written for the loader to read back: it reads "$$" as "$" and "${X}" as a variable.</summary>
    private static string? Dollars(string? value) => value?.Replace("$", "$$", StringComparison.Ordinal);

    /// <summary>
    /// postgres://user:***@host/db: a password in a URL is a secret like any other (the queue's and the logs' database,
    /// repo_url, a monitor's HTTP check, a build source).
    /// </summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(url))]
    private static string? UrlWithoutPassword(string? url) => url is null ? null : Net.DatabaseUrl.Redact(url);

    // Every check with its kind's keys and its resolved schedule, and the hosts of this stage it runs on.
    private static PrintMap Monitor(MonitorConfig monitor, StageConfig stage) => new PrintMap()
        .Add("check_interval", Duration(monitor.CheckInterval))
        .Add("retry_interval", Duration(monitor.RetryInterval))
        .Add("max_check_attempts", monitor.MaxCheckAttempts)
        .Add("recover_after", monitor.RecoverAfter)
        .Add("timeout", Duration(monitor.Timeout))
        .Add("max_concurrency", monitor.MaxConcurrency)
        .Add("deploy_window", Duration(monitor.DeployWindow))
        .Add("flapping", Flapping(monitor.Flapping))
        .Add("db", UrlWithoutPassword(monitor.Db))
        .Add("alerts", MonitorAlerts(monitor.Alerts))
        .AddWhen(monitor.Agent is not null, "agent", () => monitor.Agent is { } a ? new PrintMap()
            .Add("url", UrlWithoutPassword(a.Url))
            .Add("token", Secret(a.Token))
            .Add("listen", a.Listen)
            .Add("freshness", a.Freshness is { } f ? Duration(f) : "2 x check_interval + 1m")
            .Add("spool_limit", a.SpoolLimit) : null)
        .Add("checks", monitor.Checks.Aggregate(new PrintMap(), (m, c) => m.Add(c.Name, MonitorCheck(c, stage))));

    // A webhook URL often is the secret (chat services put the token in its path): only scheme, host and port are shown.
    private static PrintMap Flapping(MonitorFlappingConfig f) => new PrintMap()
        .Add("enabled", f.Enabled)
        .Add("low_threshold", f.LowThreshold)
        .Add("high_threshold", f.HighThreshold);

    private static PrintMap MonitorAlerts(MonitorAlertsConfig alerts) => new PrintMap()
        .Add("renotify_interval", Duration(alerts.RenotifyInterval))
        .Add("attempts", alerts.Attempts)
        .Add("retry_delay", Duration(alerts.RetryDelay))
        .Add("mail", alerts.Mail is { } mail ? Smtp(mail) : null)
        .Add("webhook", alerts.Webhook is { } hook ? new PrintMap()
            .Add("url", Uri.TryCreate(hook.Url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) + "/***" : "***")
            .Add("timeout", Duration(hook.Timeout)) : null)
        .Add("command", alerts.Command is { } command ? new PrintMap()
            .Add("command", command.Command)
            .Add("shell", command.Shell)
            .Add("timeout", Duration(command.Timeout)) : null);

    private static PrintMap Smtp(SmtpConfig smtp) => new PrintMap()
        .Add("smtp", smtp.Server)
        .Add("smtp_user", smtp.User)
        .Add("smtp_password", Secret(smtp.Password))
        .Add("starttls", smtp.StartTls)
        .Add("from", smtp.From)
        .Add("to", smtp.To.ToList<object?>());

    private static PrintMap MonitorCheck(MonitorCheckConfig c, StageConfig stage)
    {
        var map = c.Command is not null
            ? new PrintMap().Add("command", c.Command).Add("shell", c.Shell).Add("run_on", c.RunOn)
            : new PrintMap().Add("type", c.Type);
        if (c.Command is null && c.RunOn != "local")
        {
            map.Add("run_on", c.RunOn);
        }

        switch (c.Type)
        {
            case "http":
                map.Add("url", UrlWithoutPassword(c.Url)).Add("expect_status", c.ExpectStatus.Select(x => (object?)x).ToList()).Add("body_contains", c.BodyContains)
                    .Add("verify_certificate", c.VerifyCertificate).Add("certificate_warning_days", c.CertificateWarningDays)
                    .Add("certificate_critical_days", c.CertificateCriticalDays);
                break;
            case "tcp":
                map.Add("host", c.Host ?? "127.0.0.1").Add("port", c.Port);
                break;
            case "disk":
                map.Add("path", c.Path ?? "/");
                break;
            case "load":
                map.Add("per_cpu", c.PerCpu);
                break;
            case "supervise":
                map.Add("program", c.Program).Add("socket", c.Socket);
                break;
            case "queue":
                map.Add("queue", c.Queue ?? "default").Add("measure", c.Measure);
                break;
            case "log_errors":
                map.Add("window", Duration(c.Window)).Add("program", c.Program).Add("log_host", c.LogHost);
                break;
        }

        if (c.Type is not null and not "release")
        {
            map.Add("warning", c.Warning ?? (c.Type == "disk" ? "80" : null)).Add("critical", c.Critical ?? (c.Type == "disk" ? "90" : null));
        }

        return map
            .Add("roles", c.Roles.ToList<object?>())
            .Add("hosts", c.Hosts.ToList<object?>())
            .Add("check_interval", Duration(c.CheckInterval))
            .Add("retry_interval", Duration(c.RetryInterval))
            .Add("max_check_attempts", c.MaxCheckAttempts)
            .Add("recover_after", c.RecoverAfter)
            .Add("timeout", Duration(c.Timeout))
            .Add("flapping", Flapping(c.Flapping))
            .Add("runs_on", stage.Hosts.Where(c.AppliesTo).Select(h => (object?)h.DisplayName).ToList());
    }

    private static PrintMap Ssh(SshSettings ssh) => new PrintMap()
        .Add("user", ssh.User)
        .Add("identity_file", ssh.IdentityFile)
        .Add("known_hosts", ssh.KnownHosts)
        .Add("host_key_policy", ssh.HostKeyPolicy == HostKeyPolicy.AcceptNew ? "accept-new" : "strict")
        .Add("config_file", ssh.ConfigFile)
        .Add("connect_timeout", (int)ssh.ConnectTimeout.TotalSeconds)
        .Add("command_timeout", ssh.CommandTimeout is { } t ? (int)t.TotalSeconds : null)
        .Add("max_parallel", ssh.MaxParallel)
        .Add("control_persist", ssh.ControlPersist is { } p ? (int)p.TotalSeconds : 0); // 0: opted out

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
    private static PrintMap WithDeployTo(HostConfig host, PrintMap map)
    {
        if (host.DeployTo is not null)
        {
            map.Add("deploy_to", host.DeployTo);
        }

        return host.Vars.Count == 0 ? map : map.Add("vars", Variables(host.Vars));
    }

    private static PrintMap Variables(IReadOnlyDictionary<string, string> values) =>
        values.Aggregate(new PrintMap(), (m, kv) => m.Add(kv.Key, kv.Value));

    // Printed only when the file uses them, so files without recipes print as before.
    private static void AddRecipeSections(PrintMap map, SlipwayConfig config)
    {
        if (config.Recipes.Django is { } d)
        {
            var django = new PrintMap()
                .Add("python", d.Python).Add("system_site_packages", d.SystemSitePackages).Add("requirements", d.Requirements)
                .Add("find_links", d.FindLinks).Add("no_index", d.NoIndex).Add("settings", d.Settings).Add("manage_py", d.ManagePy)
                .Add("env_file", d.EnvFile).Add("migrate", d.Migrate ? new PrintMap().Add("roles", d.MigrateRoles.ToList<object?>()) : false)
                .Add("collectstatic", d.CollectStatic).Add("static_dir", d.StaticDir).Add("check_deploy", d.CheckDeploy)
                .Add("compilemessages", d.CompileMessages).Add("roles", d.Roles.ToList<object?>());
            map.Add("recipes", new PrintMap().Add("django", d.Vendor.Count > 0 ? django.Add("vendor", d.Vendor.ToList<object?>()) : django));
        }

        if (config.Processes.Count > 0 || config.Supervisor.Location != default)
        {
            var s = config.Supervisor;
            map.Add("supervisor", new PrintMap()
                .Add("kind", s.Kind == SupervisorKind.Supervisord ? "supervisord" : "slipway").Add("socket", s.Socket)
                .Add("programs_file", s.ProgramsFile).Add("start_timeout", Duration(s.StartTimeout)));
        }

        if (config.Health.Count > 0)
        {
            map.Add("health", config.Health.Aggregate(new PrintMap(), (m, h) => m.Add(h.Name, new PrintMap()
                .Add("http", h.Http).Add("expect", h.Http is null ? null : h.Expect).Add("contains", h.Contains).Add("tcp", h.Tcp)
                .Add("command", h.Command).Add("timeout", Duration(h.Timeout)).Add("retries", h.Retries)
                .Add("interval", Duration(h.Interval)).Add("roles", CrossChecks.HealthRoles(config, h).ToList<object?>()))));
        }

        if (config.Promotions.Count > 0)
        {
            map.Add("promote", config.Promotions.Select(p => (object?)new PrintMap()
                .Add("from", p.From).Add("to", p.To).Add("min_age", Duration(p.MinAge))).ToList());
        }

        // The text may hold secrets: only its size is shown.
        if (config.Templates.Count > 0)
        {
            map.Add("templates", config.Templates.Aggregate(new PrintMap(), (m, t) => m.Add(t.Path, new PrintMap()
                .Add("mode", "0" + Convert.ToString((int)t.Mode, 8)).Add("bytes", System.Text.Encoding.UTF8.GetByteCount(t.Content)))));
        }
    }

    /// <summary>The shortest exact unit: 7d, 90s, 1500ms.</summary>
    private static string Duration(TimeSpan t) =>
        t.Ticks % TimeSpan.TicksPerSecond != 0 ? $"{(long)t.TotalMilliseconds}ms"
        : t.Ticks % TimeSpan.TicksPerDay == 0 && t > TimeSpan.Zero ? $"{(long)t.TotalDays}d"
        : t.Ticks % TimeSpan.TicksPerHour == 0 && t > TimeSpan.Zero ? $"{(long)t.TotalHours}h"
        : t.Ticks % TimeSpan.TicksPerMinute == 0 && t > TimeSpan.Zero ? $"{(long)t.TotalMinutes}m"
        : $"{(long)t.TotalSeconds}s";

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

    private static PrintMap Workers(SlipwayConfig config) =>
        config.Workers.Aggregate(new PrintMap(), (map, w) => map.Add(w.Name, new PrintMap()
            .Add("queue", w.Queue)
            .Add("command", w.Command)
            .Add("directory", w.Directory)
            .Add("numprocs", w.NumProcs)
            .Add("concurrency", w.Concurrency)
            .Add("timeout", w.Timeout is { } t ? Duration(t) : null)
            .Add("stop_grace", w.StopGrace is { } g ? Duration(g) : null)
            .Add("environment", Variables(w.Environment))
            .Add("roles", w.Roles.ToList<object?>())));

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
                .Add("startretries", p.StartRetries)
                .Add("stopsignal", p.StopSignal)
                .Add("stopwaitsecs", p.StopWaitSecs)
                .Add("redirect_stderr", p.RedirectStderr)
                .Add("priority", p.Priority)
                .Add("rolling", p.Rolling)
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
