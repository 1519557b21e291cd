namespace Slipway.Core.Config.Internal;

/// <summary>
/// Every key the binder accepts, per section. The schema test compares these lists with docs/slipway.schema.json,
/// so adding a key here without documenting it (or the reverse) fails the build.
/// </summary>
internal static class ConfigKeys
{
    public const string Application = "application";
    public const string RepoUrl = "repo_url";
    public const string DeployTo = "deploy_to";
    public const string KeepReleases = "keep_releases";
    public const string Branch = "branch";
    public const string SourceStrategy = "source_strategy";
    public const string LinkedDirs = "linked_dirs";
    public const string LinkedFiles = "linked_files";
    public const string Ssh = "ssh";
    public const string Stages = "stages";
    public const string Requirements = "requirements";
    public const string Hooks = "hooks";
    public const string Processes = "processes";
    public const string Workers = "workers";
    public const string Roles = "roles";
    public const string Recipes = "recipes";
    public const string Supervisor = "supervisor";
    public const string Health = "health";
    public const string Promote = "promote";
    public const string Templates = "templates";
    public const string Logs = "logs";
    public const string Queue = "queue";

    public const string Monitor = "monitor";

    public const string Build = "build";

    public const string PhaseTimeouts = "phase_timeouts";

    /// <summary>Sections owned by later features; kept as free-form trees in <see cref="SlipwayConfig.Extensions"/> (none today).</summary>
    public static IReadOnlyList<string> Extensions { get; } = [];

    public static IReadOnlyList<string> TopLevel { get; } =
    [
        Application, RepoUrl, DeployTo, KeepReleases, Branch, SourceStrategy, LinkedDirs, LinkedFiles, Ssh, Stages,
        Requirements, Hooks, Processes, Workers, Recipes, Supervisor, Health, Promote, Templates, Logs, Queue, Monitor, Build, PhaseTimeouts, .. Extensions,
    ];

    public static IReadOnlyList<string> SshKeys { get; } =
        ["user", "identity_file", "known_hosts", "host_key_policy", "config_file", "connect_timeout", "command_timeout", "max_parallel", "control_persist"];

    public static IReadOnlyList<string> PhaseTimeoutKeys { get; } = ["check", "update", "publish", "finish", "undo"];

    public static IReadOnlyList<string> StageKeys { get; } = [Branch, "hosts"];

    public static IReadOnlyList<string> HostKeys { get; } = ["host", "port", "user", Roles, "transport", "identity_file", "primary", DeployTo, "vars"];

    public static IReadOnlyList<string> HookKeys { get; } = ["run", Roles, "once"];

    public static IReadOnlyList<string> ProcessKeys { get; } =
    [
        "command", "directory", "numprocs", "autostart", "autorestart", "startsecs", "startretries", "stopsignal", "stopwaitsecs",
        "redirect_stderr", "priority", "user", "environment", Roles, "rolling",
    ];

    public static IReadOnlyList<string> WorkerKeys { get; } =
        ["queue", "command", "directory", "numprocs", "concurrency", "timeout", "stop_grace", "environment", Roles];

    public static IReadOnlyList<string> RecipeKeys { get; } = ["django"];

    public static IReadOnlyList<string> DjangoKeys { get; } =
    [
        "python", "system_site_packages", "requirements", "find_links", "no_index", "settings", "manage_py", "env_file", "migrate",
        "collectstatic", "static_dir", "check_deploy", "compilemessages", Roles, "vendor",
    ];

    public static IReadOnlyList<string> MigrateKeys { get; } = [Roles];

    public static IReadOnlyList<string> SupervisorKinds { get; } = ["slipway", "supervisord"];

    public static IReadOnlyList<string> SupervisorKeys { get; } = ["kind", "socket", "programs_file", "start_timeout"];

    public static IReadOnlyList<string> HealthKeys { get; } =
        ["http", "expect", "contains", "tcp", "command", "timeout", "retries", "interval", "start_period", Roles];

    public static IReadOnlyList<string> PromoteKeys { get; } = ["from", "to", "min_age"];

    public static IReadOnlyList<string> TemplateKeys { get; } = ["content", "source", "mode"];

    public static IReadOnlyList<string> LogsKeys { get; } =
        ["db", "syslog_udp", "syslog_tcp", "http", "token", "retention_days", "spool", "base_url", "deploy_history", "watch_after_deploy", "users", "digest"];

    public static IReadOnlyList<string> BuildKeys { get; } = ["packages", "include", "store", "jobs", "s3", "signing"];

    /// <summary>What a file of <c>build.include</c> may hold.</summary>
    public static IReadOnlyList<string> BuildIncludedKeys { get; } = ["packages"];

    public static IReadOnlyList<string> BuildS3Keys { get; } = ["url", "endpoint", "region", "profile", "timeout", "read_only", "hosts_fetch"];

    public static IReadOnlyList<string> BuildSigningKeys { get; } = ["key", "public_key"];

    public static IReadOnlyList<string> BuildPackageKeys { get; } =
        ["source", "patches", "steps", "depends", "env", "env_allowlist", "pass_env", "tools", "platform", "roles"];

    /// <summary>A source says exactly one of git (with ref), tarball (with sha256) or path.</summary>
    public static IReadOnlyList<string> BuildSourceKeys { get; } = ["git", "ref", "tarball", "sha256", "path"];

    public static IReadOnlyList<string> LogUserKeys { get; } = ["password_hash", "role"];

    public static IReadOnlyList<string> LogRoles { get; } = ["viewer", "admin"];

    public static IReadOnlyList<string> LogsDigestKeys { get; } = ["smtp", "smtp_user", "smtp_password", "starttls", "from", "to", "since", "top", "schedule"];

    public static IReadOnlyList<string> QueueKeys { get; } = ["url", "lease", "retry", "retention", "limits", "rates", "worker", "http", "token", "schedules", "logs"];

    public static IReadOnlyList<string> QueueScheduleKeys { get; } = ["cron", "tz", "queue", "payload", "max_attempts"];

    public static IReadOnlyList<string> QueueLogsKeys { get; } = ["url", "token"];

    public static IReadOnlyList<string> QueueRetryKeys { get; } = ["max_attempts", "base_delay", "max_delay", "jitter"];

    public static IReadOnlyList<string> QueueRetentionKeys { get; } = ["succeeded", "succeeded_per_queue", "dead", "dead_per_queue"];

    public static IReadOnlyList<string> QueueWorkerKeys { get; } = ["concurrency", "timeout", "stop_grace", "poll"];

    public static IReadOnlyList<string> MonitorKeys { get; } =
        ["check_interval", "retry_interval", "max_check_attempts", "recover_after", "timeout", "max_concurrency", "deploy_window", "flapping", "db", "alerts", "agent", "checks"];

    public static IReadOnlyList<string> MonitorAgentKeys { get; } = ["url", "token", "listen", "freshness", "spool_limit"];

    public static IReadOnlyList<string> MonitorFlappingKeys { get; } = ["enabled", "low_threshold", "high_threshold"];

    public static IReadOnlyList<string> MonitorAlertsKeys { get; } = ["renotify_interval", "attempts", "retry_delay", "mail", "webhook", "command"];

    /// <summary>The mail keys wherever Slipway mails (<see cref="SmtpConfig"/>).</summary>
    public static IReadOnlyList<string> SmtpKeys { get; } = ["smtp", "smtp_user", "smtp_password", "starttls", "from", "to"];

    public static IReadOnlyList<string> MonitorWebhookKeys { get; } = ["url", "timeout"];

    public static IReadOnlyList<string> MonitorAlertCommandKeys { get; } = ["command", "shell", "timeout"];

    /// <summary>Keys every check takes, whatever it is.</summary>
    public static IReadOnlyList<string> MonitorCommonKeys { get; } =
        ["command", "type", Roles, "hosts", "check_interval", "retry_interval", "max_check_attempts", "recover_after", "timeout", "flapping", "run_on"];

    /// <summary>The keys that belong to one kind of check (a plugin's <c>command</c>, or a built-in <c>type</c>).</summary>
    public static IReadOnlyList<(string Kind, string[] Keys)> MonitorKindKeys { get; } =
    [
        ("command", ["shell"]),
        ("http", ["url", "expect_status", "body_contains", "verify_certificate", "certificate_warning_days", "certificate_critical_days", "warning", "critical"]),
        ("tcp", ["host", "port", "warning", "critical"]),
        ("disk", ["path", "warning", "critical"]),
        ("load", ["per_cpu", "warning", "critical"]),
        ("supervise", ["program", "socket", "warning", "critical"]),
        ("queue", ["queue", "measure", "warning", "critical"]),
        ("log_errors", ["window", "program", "log_host", "warning", "critical"]),
        ("release", []),
    ];

    public static IReadOnlyList<string> MonitorCheckTypes { get; } = ["http", "tcp", "disk", "load", "supervise", "queue", "log_errors", "release"];

    public static IReadOnlyList<string> MonitorQueueMeasures { get; } = ["depth", "oldest_age"];

    public static IReadOnlyList<string> MonitorRunOn { get; } = ["local", "ssh", "agent"];

    public static IReadOnlyList<string> MonitorCheckKeys { get; } =
        [.. MonitorCommonKeys, .. MonitorKindKeys.SelectMany(k => k.Keys).Distinct(StringComparer.Ordinal)];

    /// <summary>The one key that says what a requirement item checks, mapped to its kind.</summary>
    public static IReadOnlyList<(string Key, RequirementKind Kind)> RequirementKinds { get; } =
    [
        ("command", RequirementKind.Command),
        ("deb", RequirementKind.DebianPackage),
        ("python_module", RequirementKind.PythonModule),
        ("file", RequirementKind.File),
        ("dir", RequirementKind.Directory),
        ("writable", RequirementKind.Writable),
        ("free_disk", RequirementKind.FreeDisk),
    ];

    public static IReadOnlyList<string> RequirementKeys { get; } = [.. RequirementKinds.Select(k => k.Key), "path", Roles];

    public static IReadOnlyList<string> SourceStrategies { get; } = ["git", "upload"];

    public static IReadOnlyList<string> HostKeyPolicies { get; } = ["strict", "accept-new"];

    public static IReadOnlyList<string> Transports { get; } = ["ssh", "local"];

    public static IReadOnlyList<string> AutoRestartValues { get; } = ["true", "false", "unexpected"];

    public static IReadOnlyList<string> StopSignals { get; } = ["TERM", "HUP", "INT", "QUIT", "KILL", "USR1", "USR2"];
}
