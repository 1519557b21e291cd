using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Slipway.Monitor.Scheduling;

namespace Slipway.Monitor.Storage;

/// <summary>
/// Hands finished runs to the store in batches: after the first run of a batch it waits the batch window (1 s by
/// default) and writes whatever arrived meanwhile in one transaction, so a thousand checks a minute cost one commit a
/// second, not one each; the scheduler never waits on the database. A failed batch is logged and dropped: the state
/// machine and alerts go on, only that history is missing.
/// </summary>
public sealed class StoreSink : ICheckRunSink
{
    private readonly Channel<CheckRun> _runs = Channel.CreateBounded<CheckRun>(new BoundedChannelOptions(100_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.DropOldest,
    });

    private const int MaxBatch = 2_000;

    private readonly IMonitorStore _store;
    private readonly ILogger _logger;
    private readonly TimeSpan _window;
    private readonly TimeProvider _time;
    private readonly TaskCompletionSource _completing = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StoreSink(IMonitorStore store, ILogger logger, TimeSpan? batchWindow = null, TimeProvider? timeProvider = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _window = batchWindow ?? TimeSpan.FromSeconds(1);
        _time = timeProvider ?? TimeProvider.System;
        Writer = WriteAsync();
    }

    /// <summary>Ends when <see cref="Complete"/> was called and everything queued is written.</summary>
    public Task Writer { get; }

    public long Written => Interlocked.Read(ref _written);

    private long _written;

    public ValueTask RecordAsync(CheckRun run, CancellationToken ct)
    {
        _runs.Writer.TryWrite(run);
        return ValueTask.CompletedTask;
    }

    /// <summary>No more runs: what is queued is written without waiting out the batch window.</summary>
    public void Complete()
    {
        _runs.Writer.TryComplete();
        _completing.TrySetResult();
    }

    private async Task WriteAsync()
    {
        var batch = new List<CheckRun>();
        while (await _runs.Reader.WaitToReadAsync())
        {
            if (_window > TimeSpan.Zero && !_completing.Task.IsCompleted && _runs.Reader.Count < MaxBatch)
            {
                await Task.WhenAny(Task.Delay(_window, _time), _completing.Task);
            }

            while (batch.Count < MaxBatch && _runs.Reader.TryRead(out var run))
            {
                batch.Add(run);
            }

            try
            {
                await _store.WriteAsync(batch, CancellationToken.None);
                Interlocked.Add(ref _written, batch.Count);
            }
            catch (Exception e) when (e is System.Data.Common.DbException or IOException or InvalidOperationException)
            {
                StoreLog.WriteFailed(_logger, batch.Count, e);
            }

            batch.Clear();
        }
    }
}

internal static partial class StoreLog
{
    [LoggerMessage(EventId = 1911, Level = LogLevel.Error, Message = "Writing {Count} check results to the monitor store failed; they are not in the history")]
    public static partial void WriteFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 1912, Level = LogLevel.Error, Message = "Rolling up the monitor history failed; it is tried again at the next bucket")]
    public static partial void RollupFailed(ILogger logger, Exception exception);
}
