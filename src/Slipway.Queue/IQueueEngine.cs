namespace Slipway.Queue;

/// <summary>
/// A job queue store. Delivery is at least once: a leased job belongs to its worker until the lease runs out, a live
/// worker extends it by heartbeat, and a job whose lease ran out is leased again (a new attempt). Every change after a
/// lease is fenced by its <see cref="JobLease"/>: a call holding an older attempt changes nothing and says so.
/// Open one with <see cref="QueueEngineFactory.Open"/>; call <see cref="InitializeAsync"/> first.
/// </summary>
public interface IQueueEngine : IAsyncDisposable
{
    /// <summary>"sqlite", "postgres".</summary>
    string Kind { get; }

    /// <summary>Creates the tables if needed (safe to run from many processes at once).</summary>
    Task InitializeAsync(CancellationToken ct);

    Task<EnqueueResult> EnqueueAsync(NewJob job, CancellationToken ct);

    /// <summary>Adds the jobs in one transaction; idempotency keys hold within the batch too (the first job with a key wins).</summary>
    Task<IReadOnlyList<EnqueueResult>> EnqueueManyAsync(IReadOnlyList<NewJob> jobs, CancellationToken ct);

    /// <summary>
    /// Leases up to <paramref name="max"/> visible jobs of <paramref name="queue"/> (highest priority first) for
    /// <paramref name="lease"/>, each as a new attempt. A job whose lease ran out is visible again; if that was its last
    /// attempt it goes to the dead-letter list instead.
    /// </summary>
    Task<IReadOnlyList<LeasedJob>> LeaseAsync(string queue, int max, TimeSpan lease, CancellationToken ct);

    /// <summary>Extends the leases still held to now + <paramref name="lease"/>; returns the ones still held.</summary>
    Task<IReadOnlyList<JobLease>> HeartbeatAsync(IReadOnlyList<JobLease> leases, TimeSpan lease, CancellationToken ct);

    /// <summary>Marks the job succeeded; false (and no change) when the lease is no longer held.</summary>
    Task<bool> CompleteAsync(JobLease lease, string? output, CancellationToken ct);

    /// <summary>Completes many in one transaction (a worker batches its successes); returns the leases that were still held.</summary>
    Task<IReadOnlyList<JobLease>> CompleteManyAsync(IReadOnlyList<JobCompletion> completions, CancellationToken ct);

    /// <summary>Retries the job after the backoff, or dead-letters it when its attempts are spent.</summary>
    Task<FailResult> FailAsync(JobLease lease, JobFailure failure, CancellationToken ct);

    /// <summary>Returns a job unfinished (a worker stopping): visible at once, and the attempt is not counted.</summary>
    Task<bool> GiveBackAsync(JobLease lease, CancellationToken ct);

    /// <summary>
    /// Completes when a job may have become ready in <paramref name="queue"/> after this call (an enqueue seen by this
    /// engine: in this process for SQLite, any host's through LISTEN/NOTIFY for PostgreSQL). Take it before a lease that
    /// may come back empty, then await it with a poll time-out: no wake-up is lost in between. Never faults.
    /// </summary>
    Task WhenJobsMayBeReadyAsync(string queue);

    Task<IReadOnlyList<QueueStats>> StatsAsync(CancellationToken ct);

    Task<QueueStats> StatsAsync(string queue, CancellationToken ct);

    Task<IReadOnlyList<JobInfo>> PeekAsync(JobQuery query, CancellationToken ct);

    Task<JobInfo?> GetAsync(long jobId, CancellationToken ct);

    /// <summary>Dead jobs (all of the queue's, or the given ids) back to ready now, with all their attempts again.</summary>
    Task<int> ReplayAsync(string queue, IReadOnlyList<long>? jobIds, CancellationToken ct);

    /// <summary>Deletes the given jobs in any state (a running job's worker then finds its lease gone).</summary>
    Task<int> DeleteAsync(string queue, IReadOnlyList<long> jobIds, CancellationToken ct);

    /// <summary>Deletes all the queue's jobs, or only those in <paramref name="state"/>.</summary>
    Task<int> PurgeAsync(string queue, JobState? state, CancellationToken ct);

    /// <summary>Applies the retention policy now; returns the number of jobs removed.</summary>
    Task<int> PruneAsync(CancellationToken ct);
}
