using System.Threading.Channels;

namespace Slipway.Queue.Workers;

/// <summary>
/// Records a worker's successes in batches: while one transaction commits, the next successes queue up and go in the
/// next one. Each caller still waits for its own job's commit, so a job's slot frees only once it is recorded. A success
/// that finds nothing queued and no commit in flight (one slot, or a quiet moment) is recorded at once on its own
/// thread: the hand-off to the flusher and back cost two thread wake-ups per job.
/// </summary>
internal sealed class CompletionBatcher : IAsyncDisposable
{
    private readonly IQueueEngine _engine;
    private readonly int _maxBatch;
    private readonly Channel<(JobCompletion Completion, TaskCompletionSource<bool> Done)> _pending =
        Channel.CreateUnbounded<(JobCompletion, TaskCompletionSource<bool>)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Task _flusher;

    // Held while a transaction of successes commits, by the flusher or by a caller recording its own.
    private readonly SemaphoreSlim _committing = new(1, 1);
    private volatile bool _closed;
    private int _queued;

    public CompletionBatcher(IQueueEngine engine, int maxBatch)
    {
        _engine = engine;
        _maxBatch = maxBatch;
        _flusher = Task.Run(FlushLoopAsync);
    }

    public Task<bool> CompleteAsync(JobCompletion completion)
    {
#pragma warning disable VSTHRD103 // Wait(0) never blocks: it takes the semaphore only if it is free now
        if (!_closed && Volatile.Read(ref _queued) == 0 && _committing.Wait(0))
#pragma warning restore VSTHRD103
        {
            return CompleteNowAsync(completion);
        }

        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Increment(ref _queued);
        if (_pending.Writer.TryWrite((completion, done)))
        {
            return done.Task;
        }

        Interlocked.Decrement(ref _queued);
        return Task.FromException<bool>(new ObjectDisposedException(nameof(CompletionBatcher)));
    }

    private async Task<bool> CompleteNowAsync(JobCompletion completion)
    {
        try
        {
            return (await _engine.CompleteManyAsync([completion], CancellationToken.None)).Count == 1;
        }
        finally
        {
            _committing.Release();
        }
    }

    private async Task FlushLoopAsync()
    {
        var batch = new List<(JobCompletion Completion, TaskCompletionSource<bool> Done)>(_maxBatch);
        while (await _pending.Reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            await _committing.WaitAsync(CancellationToken.None);
            while (batch.Count < _maxBatch && _pending.Reader.TryRead(out var item))
            {
                Interlocked.Decrement(ref _queued);
                batch.Add(item);
            }

            try
            {
                // Not cancellable: a stopping worker still records what it finished.
                var held = (await _engine.CompleteManyAsync([.. batch.Select(b => b.Completion)], CancellationToken.None)).ToHashSet();
                foreach (var (completion, done) in batch)
                {
                    done.TrySetResult(held.Contains(completion.Lease));
                }
            }
            catch (Exception e)
            {
                foreach (var (_, done) in batch)
                {
                    done.TrySetException(e);
                }
            }
            finally
            {
                _committing.Release();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _closed = true;
        _pending.Writer.TryComplete();
        await _flusher;
        _committing.Dispose();
    }
}
