using Slipway.Core.Layout;

namespace Slipway.Core.Config;

/// <summary>
/// The <c>queue:</c> section: which store the job queue uses and its lease, retry, retention and concurrency
/// settings, plus the defaults of <c>slipway worker</c>. Every key is optional. The defaults are the library's
/// (Slipway.Queue's QueueEngineOptions, RetryPolicy, RetentionPolicy, WorkerOptions; a CLI test keeps them equal).
/// The URL's scheme and the queue names are judged by the queue feature, which reports them with these locations.
/// </summary>
public sealed record QueueConfig
{
    /// <summary>
    /// <c>sqlite:///abs/path.db</c> (a relative SQLite path is resolved against slipway.yml's directory) or
    /// <c>postgres://…</c>. Default: <c>.slipway/queue.db</c> next to slipway.yml (<see cref="LocalState.Queue"/>).
    /// </summary>
    public required string Url { get; init; }

    /// <summary>True when the file set no <c>url</c> and <see cref="Url"/> is the default.</summary>
    public bool UrlIsDefault { get; init; }

    public SourceLocation UrlLocation { get; init; }

    /// <summary>A lease's length; a worker heartbeats every third of it.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(30);

    public QueueRetryConfig Retry { get; init; } = new();

    public QueueRetentionConfig Retention { get; init; } = new();

    /// <summary>Per-queue limits on jobs running at once across all workers and hosts (<c>queue.limits</c>), in file order.</summary>
    public IReadOnlyList<QueueLimitConfig> Limits { get; init; } = [];

    /// <summary>Per-queue limits on jobs started per period across all workers and hosts (<c>queue.rates</c>), in file order.</summary>
    public IReadOnlyList<QueueRateConfig> Rates { get; init; } = [];

    public QueueWorkerConfig Worker { get; init; } = new();

    /// <summary>Where <c>slipway queue serve</c> listens by default: loopback only (the library's QueueHttpOptions.DefaultPort).</summary>
    public const string DefaultHttp = "127.0.0.1:8515";

    /// <summary>Where <c>slipway queue serve</c> listens (<c>queue.http</c>, checked HOST:PORT); null: <see cref="DefaultHttp"/>.</summary>
    public string? Http { get; init; }

    /// <summary>The HTTP API's bearer token (<c>queue.token</c>; <c>SLIPWAY_QUEUE_TOKEN</c> and <c>--token</c> win).</summary>
    public string? Token { get; init; }

    /// <summary>Cron schedules (<c>queue.schedules</c>), in file order: each tick pushes one job, once across all hosts.</summary>
    public IReadOnlyList<QueueScheduleConfig> Schedules { get; init; } = [];

    /// <summary>Where workers send failed jobs' output (<c>queue.logs</c>): the central logs server; null: nowhere.</summary>
    public QueueLogsConfig? Logs { get; init; }

    /// <summary>Where the section is written; default when the file has none.</summary>
    public SourceLocation Location { get; init; }

    /// <summary>The settings of a file with no <c>queue:</c> section (or of no file, given where it would be).</summary>
    public static QueueConfig DefaultFor(string sourceFile) =>
        new() { Url = DefaultUrl(sourceFile), UrlIsDefault = true };

    /// <summary><c>sqlite://</c> and the absolute path of <c>.slipway/queue.db</c> next to <paramref name="sourceFile"/>.</summary>
    public static string DefaultUrl(string sourceFile) => "sqlite://" + LocalState.ForFile(sourceFile).Queue;
}

/// <summary><c>queue.retry</c>: exponential backoff with jitter, then the dead-letter list.</summary>
public sealed record QueueRetryConfig
{
    public int MaxAttempts { get; init; } = 10;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The relative spread of each delay, 0 to 1.</summary>
    public double Jitter { get; init; } = 0.25;
}

/// <summary><c>queue.retention</c>: how long finished jobs stay, by age and by count per queue.</summary>
public sealed record QueueRetentionConfig
{
    public TimeSpan Succeeded { get; init; } = TimeSpan.FromDays(1);

    public int SucceededPerQueue { get; init; } = 10_000;

    public TimeSpan Dead { get; init; } = TimeSpan.FromDays(14);

    public int DeadPerQueue { get; init; } = 10_000;
}

/// <summary>One <c>queue.limits</c> entry: at most <see cref="Limit"/> jobs of the queue run at once.</summary>
public sealed record QueueLimitConfig(string Queue, int Limit, SourceLocation Location, string Path);

/// <summary>
/// One <c>queue.rates</c> entry: at most <see cref="Rate"/>'s count of jobs of the queue start per its period, with a
/// burst of at most that count after a quiet spell.
/// </summary>
public sealed record QueueRateConfig(string Queue, Rate Rate, SourceLocation Location, string Path);

/// <summary><c>queue.worker</c>: the defaults of <c>slipway worker</c> (its flags override them).</summary>
public sealed record QueueWorkerConfig
{
    /// <summary>Jobs one worker runs at once.</summary>
    public int Concurrency { get; init; } = 1;

    /// <summary>A job's process is killed and the job fails after this long; null: no time-out (written <c>0</c>).</summary>
    public TimeSpan? Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>On a stop, running jobs get this long to finish before they are killed and given back.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>An idle worker looks for due jobs (and other processes' enqueues to a SQLite queue) this often.</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// One <c>queue.schedules</c> entry: on every tick of <see cref="Cron"/> (5 fields, on the clock of its <c>tz</c>, UTC by default) one job with
/// <see cref="Payload"/> is pushed to <see cref="Queue"/>. The queue name is judged by the queue feature.
/// </summary>
public sealed record QueueScheduleConfig(string Name, Scheduling.CronSchedule Cron, string Queue, string Payload, int? MaxAttempts, SourceLocation Location, string Path)
{
    /// <summary>The payload of a schedule that names none.</summary>
    public const string DefaultPayload = "{}";
}

/// <summary>
/// <c>queue.logs</c>: the central logs server (<c>slipway logs serve</c>) that workers post each failed attempt to, with
/// its queue, job id, attempt, error and output. <see cref="Url"/> is the server's base URL (http or https).
/// </summary>
public sealed record QueueLogsConfig(string Url, string? Token, SourceLocation Location);
