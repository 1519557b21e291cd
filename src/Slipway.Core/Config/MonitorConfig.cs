namespace Slipway.Core.Config;

/// <summary>
/// The <c>monitor:</c> section: schedule defaults and the checks (Nagios plugin command lines or built-ins). Bound and
/// structurally checked here; what only the monitor feature can judge (threshold ranges, command-line syntax, a port
/// after host variables are in) is checked by Slipway.Monitor, which reports it at <see cref="MonitorCheckConfig.KeyLocations"/>.
/// The defaults are the monitoring library's (docs/monitor.md, "Defaults").
/// </summary>
public sealed record MonitorConfig
{
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromMinutes(1);

    public int MaxCheckAttempts { get; init; } = 3;

    public int RecoverAfter { get; init; } = 1;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks running at once (<c>slipway monitor run --all</c>, later the scheduler).</summary>
    public int MaxConcurrency { get; init; } = 16;

    /// <summary>By name, in file order.</summary>
    public IReadOnlyList<MonitorCheckConfig> Checks { get; init; } = [];

    /// <summary>Notifications; none are sent without a channel.</summary>
    public MonitorAlertsConfig Alerts { get; init; } = new();

    /// <summary>
    /// A HARD problem that starts while a deploy of its host runs, or within this long after it ends, is attributed to
    /// that deploy's release (in the alert and the state file).
    /// </summary>
    public TimeSpan DeployWindow { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Flap detection for every check that does not set its own (<c>monitor.flapping</c>).</summary>
    public MonitorFlappingConfig Flapping { get; init; } = new();

    /// <summary>
    /// Where the results history goes (<c>monitor.db</c>): an absolute SQLite path (a relative one is resolved against
    /// slipway.yml's directory), <c>sqlite:///path</c>, or a <c>mysql://</c>, <c>mariadb://</c>, <c>postgres://</c> or
    /// <c>postgresql://</c> URL. Null: <c>monitor serve --db</c>, else the logs' server database, else
    /// <c>.slipway/monitor.db</c>.
    /// </summary>
    public string? Db { get; init; }

    /// <summary>
    /// <c>monitor.agent</c>: where host agents (<c>slipway monitor agent</c>) send the results of <c>run_on: agent</c>
    /// checks, and what <c>monitor serve</c> listens on for them. Null: no check may run on the agent.
    /// </summary>
    public MonitorAgentConfig? Agent { get; init; }

    public SourceLocation Location { get; init; }
}

/// <summary>
/// <c>monitor.agent</c>: the host agents' link to the central <c>monitor serve</c> (docs/monitor.md, "Checks on the host
/// agent"). Results go as HTTP POSTs to <see cref="Url"/> with <see cref="Token"/>; an agent that cannot reach it keeps
/// them in a spool of at most <see cref="SpoolLimit"/> results.
/// </summary>
public sealed record MonitorAgentConfig
{
    /// <summary>The central server as the hosts reach it, such as http://monitor.internal:8471/.</summary>
    public required string Url { get; init; }

    /// <summary>The bearer token (<c>SLIPWAY_MONITOR_TOKEN</c> wins); null: none, allowed only on loopback.</summary>
    public string? Token { get; init; }

    /// <summary>HOST:PORT monitor serve listens on; null: the URL's port on every address (its host when that is an IP literal).</summary>
    public string? Listen { get; init; }

    /// <summary>A check with no result from its agent for this long goes UNKNOWN; null: per check, 2 × check_interval + 60 s.</summary>
    public TimeSpan? Freshness { get; init; }

    /// <summary>Results an agent keeps while the server is unreachable; beyond it the oldest are dropped (and counted).</summary>
    public int SpoolLimit { get; init; } = 10_000;

    public SourceLocation Location { get; init; }
}

/// <summary>
/// <c>flapping:</c> (in <c>monitor</c> or one check): Nagios's flap detection thresholds in percent state change over the
/// last 21 recorded states (docs/monitor.md, "Flap detection").
/// </summary>
public sealed record MonitorFlappingConfig
{
    /// <summary>False turns flap detection off: every HARD change is told.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Flapping stops at or below this percent.</summary>
    public double LowThreshold { get; init; } = 5.0;

    /// <summary>Flapping starts at or above this percent.</summary>
    public double HighThreshold { get; init; } = 20.0;
}

/// <summary>
/// One <c>monitor.checks</c> entry: exactly one of <see cref="Command"/> (a Nagios plugin) or <see cref="Type"/> (a
/// built-in). Texts keep <c>${var}</c> host variables for expansion per host (<see cref="HostVars"/>); the schedule
/// values are already resolved against the section's defaults.
/// </summary>
public sealed record MonitorCheckConfig
{
    public required string Name { get; init; }

    /// <summary>The plugin command line, as written (host variables not yet in).</summary>
    public string? Command { get; init; }

    /// <summary>Run <see cref="Command"/> with /bin/sh -c instead of splitting it into argv.</summary>
    public bool Shell { get; init; }

    /// <summary>
    /// Where a check runs: <c>local</c> (where the monitor runs), <c>ssh</c> (a plugin on each host, over SSH from here) or
    /// <c>agent</c> (on each host by <c>slipway monitor agent</c>, which sends the results to monitor serve).
    /// </summary>
    public string RunOn { get; init; } = "local";

    /// <summary>http, tcp, disk, load, supervise, queue, log_errors or release; null for a plugin.</summary>
    public string? Type { get; init; }

    public string? Url { get; init; }

    public IReadOnlyList<int> ExpectStatus { get; init; } = [];

    public string? BodyContains { get; init; }

    public bool VerifyCertificate { get; init; } = true;

    public int CertificateWarningDays { get; init; } = 30;

    public int CertificateCriticalDays { get; init; } = 14;

    /// <summary>tcp: the address to connect to.</summary>
    public string? Host { get; init; }

    /// <summary>tcp: a number, or a host variable that holds one.</summary>
    public string? Port { get; init; }

    /// <summary>disk: a path on the file system to measure.</summary>
    public string? Path { get; init; }

    public bool PerCpu { get; init; }

    /// <summary>supervise: the program (group) or <c>group:name</c>; log_errors: only events of this program.</summary>
    public string? Program { get; init; }

    /// <summary>supervise: the daemon's socket (a path, unix:///path or http://host:port); null: the host layout's.</summary>
    public string? Socket { get; init; }

    /// <summary>queue: the queue's name (default <c>default</c>).</summary>
    public string? Queue { get; init; }

    /// <summary>queue: <c>depth</c> (ready jobs) or <c>oldest_age</c> (seconds the oldest ready job waited).</summary>
    public string Measure { get; init; } = "depth";

    /// <summary>log_errors: errors per minute are counted over this long.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>log_errors: only events from this sending host (as the logs store it).</summary>
    public string? LogHost { get; init; }

    /// <summary>Threshold range(s) of a built-in; null: the built-in's own default.</summary>
    public string? Warning { get; init; }

    public string? Critical { get; init; }

    /// <summary>Hosts with any of these roles (all hosts when empty).</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Only these hosts (name, host:port or user@host:port; all when empty).</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];

    public TimeSpan CheckInterval { get; init; }

    public TimeSpan RetryInterval { get; init; }

    public int MaxCheckAttempts { get; init; }

    public int RecoverAfter { get; init; }

    public TimeSpan Timeout { get; init; }

    /// <summary>The check's flap detection, already resolved against the section's.</summary>
    public MonitorFlappingConfig Flapping { get; init; } = new();

    public SourceLocation Location { get; init; }

    /// <summary>Where each given key's value is written, so the feature's own checks can point at it.</summary>
    public IReadOnlyDictionary<string, SourceLocation> KeyLocations { get; init; } = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);

    /// <summary>The key path of this check (<c>monitor.checks.NAME</c>), or of one of its keys.</summary>
    public string PathOf(string? key = null) => "monitor.checks." + Name + (key is null ? "" : "." + key);

    /// <summary>Where <paramref name="key"/>'s value is written, or the check itself when the key is not given.</summary>
    public SourceLocation LocationOf(string key) => KeyLocations.TryGetValue(key, out var at) ? at : Location;

    /// <summary>Does this check run on <paramref name="host"/>? Roles and hosts both narrow, as --roles and --hosts do.</summary>
    public bool AppliesTo(HostConfig host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return (Roles.Count == 0 || Roles.Any(host.HasRole)) && (Hosts.Count == 0 || Hosts.Any(h => HostFilter.Matches(host, h)));
    }
}

/// <summary>
/// <c>monitor.alerts</c>: who hears about HARD problems and recoveries (mail, a webhook, a command; any of them), how
/// often a problem that stays HARD and unacknowledged is told again, and how hard delivery tries.
/// </summary>
public sealed record MonitorAlertsConfig
{
    /// <summary>A problem still HARD, unacknowledged and out of downtime is told again this often; zero tells it once.</summary>
    public TimeSpan RenotifyInterval { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Tries per notification and channel before it is given up (logged).</summary>
    public int Attempts { get; init; } = 5;

    /// <summary>The wait before the first retry; each further retry waits twice as long, at most 10 minutes.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    public SmtpConfig? Mail { get; init; }

    public WebhookAlertConfig? Webhook { get; init; }

    public CommandAlertConfig? Command { get; init; }

    public SourceLocation Location { get; init; }

    /// <summary>True when at least one channel is configured.</summary>
    public bool HasChannel => Mail is not null || Webhook is not null || Command is not null;
}

/// <summary><c>monitor.alerts.webhook</c>: an HTTP POST of the notification as JSON.</summary>
public sealed record WebhookAlertConfig
{
    /// <summary>http:// or https://; may hold a secret (a chat service's webhook token), so <c>config show</c> hides its path.</summary>
    public required string Url { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public SourceLocation Location { get; init; }
}

/// <summary><c>monitor.alerts.command</c>: a program run per notification, told what happened in environment variables.</summary>
public sealed record CommandAlertConfig
{
    /// <summary>The command line, split like a check's (or run by /bin/sh -c with <see cref="Shell"/>).</summary>
    public required string Command { get; init; }

    public bool Shell { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public SourceLocation Location { get; init; }
}
