using System.Net;

namespace Slipway.Logs.Server;

/// <summary>Everything <c>slipway logs serve</c> needs; from the <c>logs:</c> section of slipway.yml and flags.</summary>
public sealed record LogServerOptions
{
    public required string Database { get; init; }

    public IPEndPoint? SyslogUdp { get; init; }

    public IPEndPoint? SyslogTcp { get; init; }

    public IPEndPoint? Http { get; init; }

    /// <summary>Where batches wait while the database is unavailable; default: next to a SQLite file, else in the temp folder.</summary>
    public string? SpoolPath { get; init; }

    /// <summary>The secret that opens the browser (login form) and, as "Authorization: Bearer", the API. Null: no login.</summary>
    public string? Token { get; init; }

    /// <summary>
    /// People who log in to the browser by name and password (<see cref="Web.PasswordHash"/>). Viewers only read; admins
    /// may also post events with their session, as the token may.
    /// </summary>
    public IReadOnlyDictionary<string, LogUser> Users { get; init; } = new Dictionary<string, LogUser>(StringComparer.Ordinal);

    /// <summary>Delete events older than this many days (0: keep everything).</summary>
    public int RetentionDays { get; init; }

    /// <summary>
    /// Four batches: enough that the writer always finds its next batch waiting, small enough that queued events rarely
    /// outlive a young-generation GC (at 100,000 the server needed 15-25% more CPU per event: the GC kept copying queued events into older generations).
    /// </summary>
    public int QueueCapacity { get; init; } = 20_000;

    public int BatchSize { get; init; } = 5_000;

    public int MaxMessageBytes { get; init; } = 64 * 1024;

    /// <summary>Slipway's deploy history (JSON lines); traceback group pages show what each stage ran when the group first appeared.</summary>
    public string? DeployHistory { get; init; }

    /// <summary>Other features' pages (the monitor's <c>/status</c>), served behind the same login; their metrics join <c>/metrics</c>.</summary>
    public IReadOnlyList<Slipway.Core.Web.IWebPart> WebParts { get; init; } = [];

    /// <summary>When set, the server mails the digest on this schedule.</summary>
    public ScheduledDigest? Digest { get; init; }

    /// <summary>The zone RFC 3164 timestamps (which carry none) are read in.</summary>
    public TimeZoneInfo SenderZone { get; init; } = TimeZoneInfo.Local;

    /// <summary>Parses "HOST:PORT", "[v6]:PORT" or ":PORT" (all interfaces).</summary>
    public static IPEndPoint ParseEndpoint(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(text[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 0 or > 65535)
        {
            throw new FormatException($"'{text}' is not HOST:PORT (such as 0.0.0.0:514 or 127.0.0.1:5140)");
        }

        var host = text[..colon].Trim('[', ']');
        if (host.Length == 0 || host == "*")
        {
            return new IPEndPoint(IPAddress.Any, port);
        }

        if (host == "localhost")
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        return IPAddress.TryParse(host, out var address)
            ? new IPEndPoint(address, port)
            : throw new FormatException($"'{host}' in '{text}' is not an IP address (listen addresses are IPs, such as 0.0.0.0)");
    }
}

/// <summary>The digest <c>slipway logs serve</c> sends by itself (logs.digest.schedule).</summary>
public sealed record ScheduledDigest(
    Slipway.Core.Scheduling.CronSchedule Schedule, Digest.SmtpSettings Smtp, string From, IReadOnlyList<string> To, TimeSpan Period, int Top, string? BaseUrl);

/// <summary>One <c>logs.users</c> entry: a password hash and whether the user only reads.</summary>
public sealed record LogUser(string PasswordHash, bool Admin);
