namespace Slipway.Core.Config;

/// <summary>
/// The <c>logs:</c> section: where <c>slipway logs serve</c> listens and stores, who may log in, and the digest. Every
/// key is optional (flags of the logs commands override them); absent means the command's own default.
/// </summary>
public sealed record LogsConfig
{
    /// <summary>A SQLite file path, mysql://… or postgres://… (see docs/logs.md).</summary>
    public string? Db { get; init; }

    public string? SyslogUdp { get; init; }

    public string? SyslogTcp { get; init; }

    public string? Http { get; init; }

    public string? Token { get; init; }

    /// <summary>Delete events older than this many days; 0 keeps everything.</summary>
    public int RetentionDays { get; init; }

    public string? Spool { get; init; }

    public string? BaseUrl { get; init; }

    /// <summary>The deploy history group pages link to, absolute; default <c>.slipway/history.jsonl</c> next to slipway.yml.</summary>
    public string? DeployHistory { get; init; }

    /// <summary>
    /// How long <c>slipway deploy</c> watches the central logs after a successful deploy when <c>--watch</c> is not
    /// given; null or zero does not watch.
    /// </summary>
    public TimeSpan? WatchAfterDeploy { get; init; }

    /// <summary>Browser logins by name, in file order.</summary>
    public IReadOnlyList<LogUserConfig> Users { get; init; } = [];

    public LogsDigestConfig Digest { get; init; } = new();

    public SourceLocation Location { get; init; }
}

/// <summary>One <c>logs.users</c> entry: a password hash made by <c>slipway logs passwd</c>, and a role.</summary>
public sealed record LogUserConfig(string Name, string PasswordHash, bool Admin, SourceLocation HashLocation, string HashPath);

/// <summary><c>logs.digest</c>: the mailed summary of traceback groups and error counts.</summary>
public sealed record LogsDigestConfig
{
    public string? Smtp { get; init; }

    public string? SmtpUser { get; init; }

    public string? SmtpPassword { get; init; }

    public bool StartTls { get; init; }

    public string? From { get; init; }

    public IReadOnlyList<string> To { get; init; } = [];

    /// <summary>The period a digest covers, ending when it is made.</summary>
    public TimeSpan? Since { get; init; }

    public int? Top { get; init; }

    /// <summary>Cron expression (UTC) on which <c>logs serve</c> mails the digest; checked by the logs feature.</summary>
    public string? Schedule { get; init; }

    public SourceLocation ScheduleLocation { get; init; }
}
