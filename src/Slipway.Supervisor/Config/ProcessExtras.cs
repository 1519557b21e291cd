using System.Globalization;

namespace Slipway.Supervisor.Config;

/// <summary>
/// The options slipway adds to a <c>[program:x]</c> beyond supervisord's. Every default leaves the program
/// behaving exactly as under supervisord.
/// </summary>
public sealed record ProcessExtras
{
    public static ProcessExtras None { get; } = new();

    /// <summary><c>depends_on=</c>: program or group names that must be RUNNING (and healthy) before this starts.</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary><c>restartdelay=</c>: seconds to wait before an autorestart after EXITED (supervisord: none).</summary>
    public double RestartDelay { get; init; }

    /// <summary>
    /// <c>restartdelay_max=</c>: when set, the delay before each consecutive autorestart doubles (restartdelay, or 1 s
    /// when that is 0, then twice that...) up to this many seconds; it falls back once the process stays up this long.
    /// For crash loops slower than startsecs, which BACKOFF never sees.
    /// </summary>
    public double? RestartDelayMax { get; init; }

    /// <summary><c>backoff_max=</c>: when set, BACKOFF delays double (1, 2, 4 s...) up to this many seconds instead of growing by 1 s.</summary>
    public int? BackoffMax { get; init; }

    /// <summary><c>fatal_exit=true</c>: the daemon shuts down and exits non-zero when this process goes FATAL.</summary>
    public bool FatalExit { get; init; }

    /// <summary><c>envfile=</c>: KEY=value files read at each spawn (a leading <c>-</c> makes one optional).</summary>
    public IReadOnlyList<string> EnvFiles { get; init; } = [];

    /// <summary><c>killtree=true</c>: stop signals reach every descendant, even those that left the process group.</summary>
    public bool KillTree { get; init; }

    public HealthCheckConfig? HealthCheck { get; init; }

    /// <summary><c>syslog_forward=tcp://HOST:PORT</c> ("HOST:PORT"): every output line goes to that syslog server too.</summary>
    public string? SyslogForward { get; init; }

    public bool IsDefault => this == None || Signature() == None.Signature();

    public string Signature() => string.Join("\u0003", string.Join(',', DependsOn), RestartDelay.ToString(CultureInfo.InvariantCulture),
        RestartDelayMax?.ToString(CultureInfo.InvariantCulture), BackoffMax, FatalExit, string.Join(',', EnvFiles), KillTree, HealthCheck?.ToString(), SyslogForward);
}

public enum HealthCheckKind
{
    Http,
    Tcp,
    Command,
}

/// <summary>
/// <c>healthcheck=</c> (<c>http://host:port/path</c> or https://, certificate not verified, <c>tcp:host:port</c> or <c>cmd:command</c>) with its interval,
/// timeout and the number of consecutive failures that make the process unhealthy (then restarted, unless
/// <c>healthcheck_action=none</c>).
/// </summary>
public sealed record HealthCheckConfig(HealthCheckKind Kind, string Target, TimeSpan Interval, TimeSpan Timeout, int Retries, bool Restart)
{
    /// <summary><c>healthcheck_start_period</c>: from the spawn, failures do not count until it ends or a check passes.</summary>
    public TimeSpan StartPeriod { get; init; }

    public static HealthCheckConfig Parse(string value, TimeSpan interval, TimeSpan timeout, int retries, bool restart)
    {
        if (value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            {
                throw new FormatException($"'{value}' is not a valid {value[..value.IndexOf(':', StringComparison.Ordinal)].ToLowerInvariant()}:// URL");
            }

            return new HealthCheckConfig(HealthCheckKind.Http, value, interval, timeout, retries, restart);
        }

        if (value.StartsWith("tcp:", StringComparison.OrdinalIgnoreCase))
        {
            var target = value[4..].TrimStart('/');
            var colon = target.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(target[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                throw new FormatException($"'{value}' is not tcp:HOST:PORT");
            }

            return new HealthCheckConfig(HealthCheckKind.Tcp, target, interval, timeout, retries, restart);
        }

        if (value.StartsWith("cmd:", StringComparison.OrdinalIgnoreCase) && value[4..].Trim().Length > 0)
        {
            return new HealthCheckConfig(HealthCheckKind.Command, value[4..].Trim(), interval, timeout, retries, restart);
        }

        throw new FormatException($"'{value}' is not http(s)://HOST:PORT/PATH, tcp:HOST:PORT or cmd:COMMAND");
    }
}
