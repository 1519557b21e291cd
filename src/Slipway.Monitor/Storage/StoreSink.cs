using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Slipway.Monitor.Scheduling;

namespace Slipway.Monitor.Storage;

/// <summary>
/// Hands finished runs to the store in batches (one transaction for whatever arrived meanwhile), so a thousand checks a
/// minute cost a few commits a second, not one each; the scheduler never waits on the database. A failed batch is
/// logged and dropped: the state machine and alerts go on, only that history is missing.
/// </summary>
public sealed class StoreSink : ICheckRunSink
{
    private readonly Channel<CheckRun> _runs = Channel.CreateBounded<CheckRun>(new BoundedChannelOptions(100_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.DropOldest,
    });

    private readonly IMonitorStore _store;
    private readonly ILogger _logger;

    public StoreSink(IMonitorStore store, ILogger logger)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
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

    public void Complete() => _runs.Writer.TryComplete();

    private async Task WriteAsync()
    {
        var batch = new List<CheckRun>();
        while (await _runs.Reader.WaitToReadAsync())
        {
            while (batch.Count < 2_000 && _runs.Reader.TryRead(out var run))
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
