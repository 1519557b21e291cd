namespace Slipway.Queue.Workers;

/// <summary>How a <see cref="QueueWorker"/> leases and runs jobs.</summary>
public sealed record WorkerOptions
{
    /// <summary>Jobs run at once by this worker (it leases up to this many).</summary>
    public int Concurrency { get; init; } = 1;

    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Leases are extended this often; a third of the lease when not set, so two heartbeats may fail before a lease runs out.</summary>
    public TimeSpan? HeartbeatInterval { get; init; }

    /// <summary>
    /// An idle worker looks for jobs at least this often even without a wake-up: for delayed jobs coming due, leases
    /// running out (a dead worker's job), and other processes' enqueues to an embedded queue.
    /// </summary>
    public TimeSpan IdlePoll { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>After a stop, running jobs get this long to finish; then they are cancelled and given back (not counted as attempts).</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Where each failed attempt goes, with its output (<see cref="JobFailureEvent"/>); null: only the store keeps it.</summary>
    public Slipway.Core.Logging.ICentralLog? FailureLog { get; init; }

    /// <summary>
    /// Told of each attempt once its result is recorded: the job, its result, and for a failure what the failure did
    /// (null for a success). Not told of jobs given back or whose lease was lost.
    /// </summary>
    public Action<LeasedJob, JobResult, FailResult?>? Recorded { get; init; }

    public TimeSpan EffectiveHeartbeat => HeartbeatInterval ?? Lease / 3;
}
