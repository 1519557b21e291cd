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
}

/// <summary>A Nagios plugin command line (host variables already substituted); <see cref="Shell"/> runs it with /bin/sh -c.</summary>
public sealed record PluginCheckOptions(string Command, bool Shell = false);

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
