namespace Slipway.Monitor.Checks;

/// <summary>
/// One configured check, as a binder for the <c>monitor:</c> section will fill it: a name, its schedule, and exactly one
/// of a plugin command line or a built-in.
/// </summary>
public sealed record CheckDefinition
{
    public required string Name { get; init; }

    public CheckOptions Options { get; init; } = new();

    public PluginCheckOptions? Plugin { get; init; }

    public TcpCheckOptions? Tcp { get; init; }

    public HttpCheckOptions? Http { get; init; }

    public DiskCheckOptions? Disk { get; init; }

    public LoadCheckOptions? Load { get; init; }

    public SuperviseCheckOptions? Supervise { get; init; }

    public QueueCheckOptions? Queue { get; init; }

    public LogErrorsCheckOptions? LogErrors { get; init; }

    public ReleaseCheckOptions? Release { get; init; }
}

/// <summary>
/// A Nagios plugin command line (host variables already substituted); <see cref="Shell"/> runs it with /bin/sh -c.
/// With <see cref="OnHost"/> it runs on that host of slipway.yml over SSH instead of here.
/// </summary>
public sealed record PluginCheckOptions(string Command, bool Shell = false)
{
    /// <summary>The host (display name) to run it on over SSH; null runs it where the monitor runs.</summary>
    public string? OnHost { get; init; }
}

/// <summary>A TCP connect; warning and critical are ranges on the connect time in seconds (check_tcp's -w/-c).</summary>
public sealed record TcpCheckOptions(string Host, int Port)
{
    public string? Warning { get; init; }

    public string? Critical { get; init; }
}

/// <summary>
/// An HTTP(S) GET. Without <see cref="ExpectStatus"/>, 2xx and 3xx are OK, 4xx WARNING and 5xx CRITICAL (check_http's
/// rule); with it, any other status is CRITICAL. Redirects are not followed. Warning and critical are ranges on the
/// response time in seconds.
/// </summary>
public sealed record HttpCheckOptions(string Url)
{
    public IReadOnlyList<int> ExpectStatus { get; init; } = [];

    /// <summary>Text the body must contain (ordinal); its absence is CRITICAL.</summary>
    public string? BodyContains { get; init; }

    public string? Warning { get; init; }

    public string? Critical { get; init; }

    /// <summary>HTTPS: an untrusted or mismatched certificate is CRITICAL unless this is false (self-signed test hosts).</summary>
    public bool VerifyCertificate { get; init; } = true;

    /// <summary>HTTPS: WARNING when the certificate expires in fewer days than this (check_http -C 30,14).</summary>
    public int? CertificateWarningDays { get; init; } = 30;

    /// <summary>HTTPS: CRITICAL when the certificate expires in fewer days than this.</summary>
    public int? CertificateCriticalDays { get; init; } = 14;
}

/// <summary>The file system holding <see cref="Path"/>; warning and critical are ranges on the used percent (df's Use%).</summary>
public sealed record DiskCheckOptions(string Path)
{
    public string? Warning { get; init; } = "80";

    public string? Critical { get; init; } = "90";
}

/// <summary>
/// The load averages from /proc/loadavg. Warning and critical hold one range for all three averages or three
/// comma-separated ones (1, 5, 15 minutes), as check_load's -w/-c; <see cref="PerCpu"/> divides the loads by the CPU count
/// first (check_load -r).
/// </summary>
public sealed record LoadCheckOptions
{
    public string? Warning { get; init; }

    public string? Critical { get; init; }

    public bool PerCpu { get; init; }
}

/// <summary>
/// A supervised program's processes, asked over the daemon's XML-RPC <see cref="Socket"/> as supervisorctl does.
/// <see cref="Program"/> is a group (every process of it) or one <c>group:name</c>. Without ranges every process must
/// be RUNNING: STARTING is WARNING, anything else CRITICAL. With ranges, the number of RUNNING processes is judged
/// instead (<c>critical: "2:"</c>: at least two of the program's processes up).
/// </summary>
public sealed record SuperviseCheckOptions(string Program, string Socket)
{
    public string? Warning { get; init; }

    public string? Critical { get; init; }
}

/// <summary>What a queue check measures.</summary>
public enum QueueMeasureKind
{
    /// <summary>Jobs ready to run and not yet taken.</summary>
    Depth,

    /// <summary>Seconds the oldest ready job has waited (0 when none is ready).</summary>
    OldestAge,
}

/// <summary>A job queue's depth or oldest ready job's age, judged by the ranges (jobs, or seconds).</summary>
public sealed record QueueCheckOptions(string Queue, QueueMeasureKind Measure = QueueMeasureKind.Depth)
{
    public string? Warning { get; init; }

    public string? Critical { get; init; }
}

/// <summary>
/// The error rate in the central logs: events of severity err or worse per minute over the last <see cref="Window"/>,
/// optionally only from one sending host or program, judged by the ranges (errors per minute).
/// </summary>
public sealed record LogErrorsCheckOptions(TimeSpan Window)
{
    /// <summary>Only events from this host name (as the logs store it, usually the syslog HOSTNAME); null: every host.</summary>
    public string? Host { get; init; }

    /// <summary>Only events of this program (syslog APP-NAME or tag); null: every program.</summary>
    public string? Program { get; init; }

    public string? Warning { get; init; }

    public string? Critical { get; init; }
}

/// <summary>The release <c>current</c> points to on <see cref="Host"/> is the one the deploy history says is live on <see cref="Stage"/>.</summary>
public sealed record ReleaseCheckOptions(string Stage, string Host);
