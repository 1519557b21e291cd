using System.Collections.Concurrent;
using Slipway.Logs.Model;

namespace Slipway.Logs.Intake;

/// <summary>
/// Acknowledging only what is safe: a barrier is a sentinel event queued behind a producer's events. The writer never
/// stores it; when it reads it, it flushes the tracebacks still being assembled from that producer's sources (they
/// would otherwise wait for more lines) and releases the barrier once the batch holding everything before it has been
/// committed to the database or appended to the spool. So "202 Accepted" on HTTP means stored or spooled: a kill -9
/// afterwards loses nothing acknowledged.
/// </summary>
public sealed partial class IntakePipeline
{
    private readonly ConcurrentDictionary<LogEvent, Barrier> _barriers = new(ReferenceEqualityComparer.Instance);
    private readonly List<Barrier> _passed = [];

    // Read on every event by the writer: a plain counter, not ConcurrentDictionary.IsEmpty (which may take every lock).
    private int _barrierCount;

    /// <summary>Completes once every event this caller queued before the call is stored or spooled.</summary>
    public async Task DurableAsync(IReadOnlyCollection<(string Host, string Program, string ProcId)> sources, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var sentinel = new LogEvent { ReceivedAt = _clock.GetUtcNow(), Message = "" };
        var barrier = new Barrier(sources);
        _barriers[sentinel] = barrier;
        Interlocked.Increment(ref _barrierCount);
        try
        {
            if (!_channel.Writer.TryWrite(sentinel))
            {
                await _channel.Writer.WriteAsync(sentinel, ct);
            }
        }
        catch
        {
            if (_barriers.TryRemove(sentinel, out _))
            {
                Interlocked.Decrement(ref _barrierCount);
            }

            throw;
        }

        await barrier.Done.Task.WaitAsync(ct);
    }

    /// <summary>True when <paramref name="e"/> was a barrier (now waiting for the current batch to be written).</summary>
    private bool TryPassBarrier(LogEvent e, List<LogEvent> batch)
    {
        if (Volatile.Read(ref _barrierCount) == 0 || !_barriers.TryRemove(e, out var barrier))
        {
            return false;
        }

        Interlocked.Decrement(ref _barrierCount);
        _assembler.Flush(barrier.Sources, batch);
        _passed.Add(barrier);
        return true;
    }

    /// <summary>Called after a batch was written or spooled (or when there was nothing to write).</summary>
    private void ReleasePassedBarriers()
    {
        foreach (var barrier in _passed)
        {
            barrier.Done.TrySetResult();
        }

        _passed.Clear();
    }

    /// <summary>The batch just handled was dropped: the producers whose barriers passed with it are told, not released.</summary>
    private void FailPassedBarriers(Exception reason)
    {
        foreach (var barrier in _passed)
        {
            barrier.Done.TrySetException(reason);
        }

        _passed.Clear();
    }

    /// <summary>The writer stopped without writing: nobody waiting may be told their events are safe.</summary>
    private void FailBarriers(Exception reason)
    {
        foreach (var barrier in _passed.Concat(_barriers.Values))
        {
            barrier.Done.TrySetException(new IOException("the log writer stopped before these events were stored", reason));
        }

        _passed.Clear();
    }

    private sealed class Barrier(IReadOnlyCollection<(string Host, string Program, string ProcId)> sources)
    {
        public IReadOnlyCollection<(string Host, string Program, string ProcId)> Sources { get; } = sources;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
