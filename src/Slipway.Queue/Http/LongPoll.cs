namespace Slipway.Queue.Http;

/// <summary>
/// A lease that waits for jobs: it takes the engine's wake-up signal before each lease, so an enqueue that lands
/// between an empty lease and the wait still wakes it, and it looks again every <c>idlePoll</c> for what sends no signal
/// (delayed jobs coming due, expired leases, other processes' enqueues to SQLite).
/// </summary>
internal sealed class LongPoll(IQueueEngine engine, TimeProvider time, TimeSpan idlePoll, QueueHttpMetrics metrics)
{
    /// <summary>The jobs, or none when <paramref name="wait"/> passed (or <paramref name="ct"/> fired: the caller is gone or the server stops).</summary>
    public async Task<IReadOnlyList<LeasedJob>> LeaseAsync(string queue, int max, TimeSpan lease, TimeSpan wait, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + wait;
        var waiting = false;
        try
        {
            while (true)
            {
                var wake = engine.WhenJobsMayBeReadyAsync(queue);
                var jobs = await engine.LeaseAsync(queue, max, lease, CancellationToken.None);
                var left = deadline - time.GetUtcNow();
                if (jobs.Count > 0 || left <= TimeSpan.Zero || ct.IsCancellationRequested)
                {
                    return jobs;
                }

                if (!waiting)
                {
                    waiting = true;
                    metrics.WaitStarted();
                }

                using var pause = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var delay = Task.Delay(left < idlePoll ? left : idlePoll, time, pause.Token);
                await Task.WhenAny(wake, delay);
                await pause.CancelAsync();
                if (ct.IsCancellationRequested)
                {
                    return [];
                }
            }
        }
        finally
        {
            if (waiting)
            {
                metrics.WaitEnded();
            }
        }
    }
}
