namespace Slipway.Core.Jobs;

/// <summary>
/// Work a feature hands to the job queue so that it outlives the process that decided it (an alert to send), without
/// the feature knowing the queue: the CLI wires the site's queue (<c>queue.url</c>, the embedded SQLite file by default).
/// The queue brings what a hand-made retry loop lacks: the job is stored before it is tried, retried with backoff
/// after a failure, kept in the dead-letter list when its attempts are spent, and a job stored with the same key is
/// not stored twice.
/// </summary>
public interface IDurableJobs
{
    /// <summary>Where the jobs are kept, for messages ("sqlite:///srv/app/.slipway/queue.db").</summary>
    string Where { get; }

    /// <summary>Stores one job; false when a job with the same <see cref="DurableJobRequest.Key"/> is already stored.</summary>
    Task<bool> EnqueueAsync(DurableJobRequest job, CancellationToken ct);

    /// <summary>
    /// Runs the jobs of <paramref name="queue"/> one at a time, in the order they became ready, until
    /// <paramref name="ct"/> fires; each try's outcome goes to <paramref name="report"/>.
    /// </summary>
    Task RunAsync(string queue, DurableJobHandler handler, Action<DurableJobOutcome> report, CancellationToken ct);
}

/// <summary>A job to store: its payload is opaque text the handler gets back unchanged.</summary>
public sealed record DurableJobRequest(string Queue, string Payload, string? Key, int MaxAttempts);

/// <summary>A stored job handed to its handler: <see cref="Attempt"/> counts from 1.</summary>
public sealed record DurableJob(long Id, int Attempt, int MaxAttempts, string Payload);

/// <summary>Runs one job: null when it is done, else why it failed (the job is then retried or, at its last attempt, dead).</summary>
public delegate Task<string?> DurableJobHandler(DurableJob job, CancellationToken ct);

/// <summary>What one try did: done (<see cref="Error"/> null), retried at <see cref="RetryAt"/>, or dead (neither).</summary>
public sealed record DurableJobOutcome(DurableJob Job, string? Error, DateTimeOffset? RetryAt)
{
    public bool Done => Error is null;

    public bool Dead => Error is not null && RetryAt is null;
}
