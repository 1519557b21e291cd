using System.Threading.Channels;

namespace Slipway.Queue.Workers;

/// <summary>
/// Records a worker's successes in batches: while one transaction commits, the next successes queue up and go in the
/// next one. Each caller still waits for its own job's commit, so a job's slot frees only once it is recorded.
/// </summary>
internal sealed class CompletionBatcher : IAsyncDisposable
{
    private readonly IQueueEngine _engine;
    private readonly int _maxBatch;
    private readonly Channel<(JobCompletion Completion, TaskCompletionSource<bool> Done)> _pending =
        Channel.CreateUnbounded<(JobCompletion, TaskCompletionSource<bool>)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Task _flusher;

    public CompletionBatcher(IQueueEngine engine, int maxBatch)
    {
        _engine = engine;
        _maxBatch = maxBatch;
        _flusher = Task.Run(FlushLoopAsync);
    }

    public Task<bool> CompleteAsync(JobCompletion completion)
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        return _pending.Writer.TryWrite((completion, done)) ? done.Task : Task.FromException<bool>(new ObjectDisposedException(nameof(CompletionBatcher)));
    }

    private async Task FlushLoopAsync()
    {
        var batch = new List<(JobCompletion Completion, TaskCompletionSource<bool> Done)>(_maxBatch);
        while (await _pending.Reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < _maxBatch && _pending.Reader.TryRead(out var item))
            {
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
        }
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _flusher;
    }
}
