using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Slipway.Queue.Workers;

/// <summary>
/// Leases jobs of one queue, runs each with the handler, heartbeats while they run, then completes or fails them.
/// A stop (the token of <see cref="RunAsync"/>) stops leasing; running jobs get <see cref="WorkerOptions.StopGrace"/>
/// to finish, then are cancelled and given back. A job whose lease was lost (a heartbeat found a newer attempt) is
/// cancelled and its result dropped: the fence would refuse it anyway.
/// </summary>
public sealed partial class QueueWorker(
    IQueueEngine engine, string queue, IJobHandler handler, WorkerOptions? options = null, TimeProvider? time = null, ILogger? logger = null)
{
    /// <summary>Successes recorded per transaction at most.</summary>
    private const int MaxCompletionBatch = 256;

    private readonly WorkerOptions _options = options ?? new WorkerOptions();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly Dictionary<JobLease, RunningJob> _running = [];
    private CompletionBatcher? _completions;

    /// <summary>Runs until <paramref name="stop"/> fires and the running jobs finished or were given back.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.Concurrency);
        using var abort = new CancellationTokenSource();
        using var heartbeatStop = new CancellationTokenSource();
        await using var completions = new CompletionBatcher(engine, MaxCompletionBatch);
        _completions = completions;
        var heartbeats = HeartbeatLoopAsync(heartbeatStop.Token);
        var tasks = new HashSet<Task>();
        try
        {
            await LeaseLoopAsync(tasks, abort.Token, stop);
        }
        finally
        {
            var all = Task.WhenAll(tasks);
            if (await Task.WhenAny(all, Task.Delay(_options.StopGrace, _time, CancellationToken.None)) != all)
            {
                await abort.CancelAsync();
            }

            await all;
            await heartbeatStop.CancelAsync();
            await heartbeats;
        }
    }

    private async Task LeaseLoopAsync(HashSet<Task> tasks, CancellationToken abort, CancellationToken stop)
    {
        var stopped = Task.Delay(Timeout.Infinite, stop);
        while (!stop.IsCancellationRequested)
        {
            tasks.RemoveWhere(t => t.IsCompleted);
            var free = _options.Concurrency - tasks.Count;

            // Refill when half the slots are free (or all): one lease of many jobs instead of one per finished job.
            if (free <= 0 || (tasks.Count > 0 && free < (_options.Concurrency + 1) / 2))
            {
                await Task.WhenAny(tasks.Append(stopped));
                continue;
            }

            // Taken before the lease: an enqueue between an empty lease and the wait still wakes us.
            var wake = engine.WhenJobsMayBeReadyAsync(queue);
            IReadOnlyList<LeasedJob> jobs;
            try
            {
                // Not cancelled by the stop: a lease the store has already granted would come back to the client as a
                // cancellation, its jobs left running until their lease ran out. One round trip; the jobs it returns
                // are run (or given back after the grace time) like any other.
                jobs = await engine.LeaseAsync(queue, free, _options.Lease, CancellationToken.None);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The store is down or busy: keep trying (the supervisor should not have to restart a worker for that).
                WorkerLog.LeaseFailed(_logger, e, queue, _options.IdlePoll);
                await DelayAsync(_options.IdlePoll, stop);
                continue;
            }

            foreach (var job in jobs)
            {
                tasks.Add(RunJobAsync(job, abort));
            }

            if (jobs.Count == 0)
            {
                await Task.WhenAny(tasks.Append(wake).Append(Task.Delay(_options.IdlePoll, _time, stop)));
            }
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, _time, ct);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loop checks the token.
        }
    }

    private sealed class RunningJob(LeasedJob job, CancellationToken abort) : IDisposable
    {
        public LeasedJob Job => job;

        public CancellationTokenSource Cancel { get; } = CancellationTokenSource.CreateLinkedTokenSource(abort);

        public bool Lost { get; set; }

        public void Dispose() => Cancel.Dispose();
    }
}
