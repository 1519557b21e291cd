namespace Slipway.Core.Config;

/// <summary>
/// One <c>workers:</c> entry: a command worker (<c>slipway worker QUEUE -- COMMAND</c>) that the supervisor keeps
/// running on every host with its roles, <see cref="NumProcs"/> per host. The supervisor recipe renders it as a
/// program, so a deploy stops it gracefully (running jobs finish or go back to the queue) and starts it on the new
/// release. Unset settings fall back to <c>queue.worker</c>.
/// </summary>
public sealed record WorkerConfig
{
    /// <summary>The entry's name, also its program name on the hosts' supervisor.</summary>
    public required string Name { get; init; }

    /// <summary>The queue it takes jobs from; the entry's name when not given.</summary>
    public required string Queue { get; init; }

    /// <summary>Where <c>queue</c> is written (the entry's own location when it is not).</summary>
    public SourceLocation QueueLocation { get; init; }

    /// <summary>What each job runs, split into argv as supervisord splits <c>command=</c>; the payload is on its stdin.</summary>
    public required string Command { get; init; }

    /// <summary>Working directory for the worker and its jobs; relative paths are relative to the live release.</summary>
    public string? Directory { get; init; }

    /// <summary>Worker processes per host (supervisord's numprocs).</summary>
    public int NumProcs { get; init; } = 1;

    /// <summary>Jobs one worker process runs at once; null: <c>queue.worker.concurrency</c>.</summary>
    public int? Concurrency { get; init; }

    /// <summary>A job's time-out; null: <c>queue.worker.timeout</c>. <see cref="TimeSpan.Zero"/> means none.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>How long running jobs may finish on a stop; null: <c>queue.worker.stop_grace</c>.</summary>
    public TimeSpan? StopGrace { get; init; }

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> Roles { get; init; } = [];

    public SourceLocation Location { get; init; }
}
