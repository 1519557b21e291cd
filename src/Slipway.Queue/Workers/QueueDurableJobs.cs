using Slipway.Core.Jobs;

namespace Slipway.Queue.Workers;

/// <summary>
/// <see cref="IDurableJobs"/> on a queue engine: jobs are stored with <see cref="IQueueEngine.EnqueueAsync"/> (the key as
/// the idempotency key) and run by a <see cref="QueueWorker"/> of concurrency 1, with the engine's leases, heartbeats,
/// retry policy and dead-letter list. The caller owns the engine.
/// </summary>
public sealed class QueueDurableJobs(IQueueEngine engine, string where, WorkerOptions? options = null, TimeProvider? time = null) : IDurableJobs
{
    private readonly WorkerOptions _options = (options ?? new WorkerOptions()) with { Concurrency = 1 };

    public string Where => where;

    public async Task<bool> EnqueueAsync(DurableJobRequest job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var result = await engine.EnqueueAsync(new NewJob(job.Queue, job.Payload) { IdempotencyKey = job.Key, MaxAttempts = job.MaxAttempts }, ct);
        return result.Created;
    }

    public Task RunAsync(string queue, DurableJobHandler handler, Action<DurableJobOutcome> report, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(report);
        var options = _options with
        {
            Recorded = (job, result, failed) => report(new DurableJobOutcome(Describe(job), result.Succeeded ? null : result.Error ?? "failed",
                failed is { Outcome: FailOutcome.Retrying } retry ? retry.RetryAt ?? DateTimeOffset.MinValue : null)),
        };
        return new QueueWorker(engine, queue, new Handler(handler), options, time).RunAsync(ct);
    }

    private static DurableJob Describe(LeasedJob job) => new(job.Id, job.AttemptsUsed, job.MaxAttempts, job.Payload);

    private sealed class Handler(DurableJobHandler handler) : IJobHandler
    {
        public async Task<JobResult> HandleAsync(LeasedJob job, CancellationToken ct) =>
            await handler(Describe(job), ct) is { } error ? JobResult.Failure(error) : JobResult.Success();
    }
}
