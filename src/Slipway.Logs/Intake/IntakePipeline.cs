using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Logs.Model;
using Slipway.Logs.Storage;
using Slipway.Logs.Tracebacks;

namespace Slipway.Logs.Intake;

/// <summary>
/// The path from the listeners to the database: a bounded queue (a full queue makes TCP readers wait, which pushes
/// back on senders, and makes UDP drop and count), one writer that reassembles tracebacks and writes batches in one
/// transaction each, and a spool file that holds batches while the database is unavailable. <see cref="RunAsync"/>
/// returns once <see cref="Complete"/> was called and everything queued is written (or spooled). A producer that must
/// not acknowledge before its events are safe (HTTP) queues a barrier behind them with <see cref="DurableAsync"/>.
/// </summary>
public sealed partial class IntakePipeline
{
    private readonly Channel<LogEvent> _channel;
    private readonly ILogStore _store;
    private readonly TimeProvider _clock;
    private readonly TracebackAssembler _assembler;
    private readonly Spool? _spool;
    private readonly ILogger _log;
    private readonly int _batchSize;
    private readonly int _capacity;
    private DateTimeOffset _nextReplay;
    private TaskCompletionSource _room = Open();
    private volatile bool _completed;

    public IntakePipeline(ILogStore store, IntakeOptions? options = null, TimeProvider? clock = null, ILogger? log = null)
    {
        options ??= new IntakeOptions();
        _store = store;
        _clock = clock ?? TimeProvider.System;
        _log = log ?? NullLogger.Instance;
        _batchSize = options.BatchSize;
        _capacity = options.QueueCapacity;
        _assembler = new TracebackAssembler(_clock, options.TracebackFlushAfter);
        _spool = options.SpoolPath is { } path ? new Spool(path) : null;
        _channel = Channel.CreateBounded<LogEvent>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        Metrics.QueueDepth = () => _channel.Reader.Count;
    }

    public IntakeMetrics Metrics { get; } = new();

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    /// <summary>Waits while the queue is full (TCP and HTTP: back-pressure).</summary>
    public ValueTask EnqueueAsync(LogEvent e, CancellationToken ct)
    {
        if (e.Flags.HasFlag(EventMarks.ParseError))
        {
            Metrics.AddParseErrors(1);
        }

        return _channel.Writer.TryWrite(e) ? ValueTask.CompletedTask : WaitForRoomAsync(e, ct);
    }

    /// <summary>
    /// The queue is full: wait until the writer has drained it to half, then go on. A channel's own WriteAsync would wake
    /// a waiting reader for every single event the writer takes out, which under a flood cost more CPU than parsing.
    /// </summary>
    private async ValueTask WaitForRoomAsync(LogEvent e, CancellationToken ct)
    {
        while (true)
        {
            if (_completed)
            {
                throw new ChannelClosedException();
            }

            var room = Volatile.Read(ref _room);
            if (room.Task.IsCompleted)
            {
                var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                room = Interlocked.CompareExchange(ref _room, closed, room) == room ? closed : Volatile.Read(ref _room);
            }

            // Try again after closing the gate: if the writer drained the queue meanwhile, nobody would open it.
            if (_channel.Writer.TryWrite(e))
            {
                return;
            }

            await room.Task.WaitAsync(ct);
        }
    }

    /// <summary>Called by the writer: lets waiting producers go on once the queue is down to half.</summary>
    private void OpenRoomWhenHalfEmpty()
    {
        var room = Volatile.Read(ref _room);
        if (!room.Task.IsCompleted && _channel.Reader.Count <= _capacity / 2)
        {
            room.TrySetResult();
        }
    }

    /// <summary>False when the queue is full (UDP: the caller counts a drop).</summary>
    public bool TryEnqueue(LogEvent e)
    {
        if (e.Flags.HasFlag(EventMarks.ParseError))
        {
            Metrics.AddParseErrors(1);
        }

        return _channel.Writer.TryWrite(e);
    }

    /// <summary>No more events will come: the writer drains the queue and <see cref="RunAsync"/> returns.</summary>
    public void Complete()
    {
        _completed = true;
        _channel.Writer.TryComplete();
        Volatile.Read(ref _room).TrySetResult();
    }

    /// <summary>The writer loop. Cancel <paramref name="ct"/> only to abandon the queue; to stop cleanly call <see cref="Complete"/>.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await WriteLoopAsync(ct);
        }
        catch (Exception e)
        {
            FailBarriers(e);
            throw;
        }
    }

    private async Task WriteLoopAsync(CancellationToken ct)
    {
        var reader = _channel.Reader;
        var batch = new List<LogEvent>(_batchSize);
        Task<bool>? waiting = null;
        await ReplaySpoolAsync(force: true, ct);
        while (true)
        {
            while (batch.Count < _batchSize && reader.TryRead(out var e))
            {
                if (!TryPassBarrier(e, batch))
                {
                    _assembler.Add(e, batch);
                }
            }

            OpenRoomWhenHalfEmpty();
            _assembler.FlushExpired(batch);
            if (batch.Count > 0)
            {
                await WriteOrSpoolAsync(batch, ct);
                batch.Clear();
                ReleasePassedBarriers();
                continue;
            }

            ReleasePassedBarriers();

            if (reader.Completion.IsCompleted)
            {
                break;
            }

            // Idle: wait for events, waking up now and then to flush tracebacks whose end never came and to retry the spool.
            waiting ??= reader.WaitToReadAsync(ct).AsTask();
            var tick = Task.Delay(TimeSpan.FromMilliseconds(200), _clock, ct);
            var done = await Task.WhenAny(waiting, tick);
            if (done == waiting)
            {
                var more = await waiting;
                waiting = null;
                if (!more)
                {
                    continue; // completed: drain what is left, then leave
                }
            }

            await ReplaySpoolAsync(force: false, ct);
        }

        _assembler.FlushAll(batch);
        await WriteOrSpoolAsync(batch, ct);
        ReleasePassedBarriers();
    }

    private async Task WriteOrSpoolAsync(List<LogEvent> batch, CancellationToken ct)
    {
        if (batch.Count == 0)
        {
            return;
        }

        if (_spool is not null && _spool.HasData)
        {
            // Keep order: while older events wait in the spool, newer ones queue up behind them there.
            await ReplaySpoolAsync(force: false, ct);
            if (_spool.HasData)
            {
                await SpoolOrDropAsync(batch, "older events are still waiting in the spool", ct);
                return;
            }
        }

        try
        {
            await _store.WriteAsync(batch, ct);
            Metrics.AddWritten(batch.Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Metrics.AddWriteError();
            if (_spool is null)
            {
                LogMessages.WriteFailedNoSpool(_log, batch.Count, ex.Message);
                throw;
            }

            LogMessages.WriteFailedSpooling(_log, batch.Count, _spool.Path, ex.Message);
            await SpoolOrDropAsync(batch, ex.Message, ct);
            _nextReplay = _clock.GetUtcNow() + TimeSpan.FromSeconds(1);
        }
    }

    /// <summary>
    /// Appends the batch to the spool; when the spool cannot take it either (its disk is full too), the batch is dropped:
    /// counted, logged, and every HTTP request waiting on it is refused (503) instead of acknowledged, so the sender
    /// knows to send again. The writer goes on: the next batch may fit once space is freed.
    /// </summary>
    private async Task SpoolOrDropAsync(List<LogEvent> batch, string databaseReason, CancellationToken ct)
    {
        try
        {
            await _spool!.AppendAsync(batch, ct);
            Metrics.AddSpooled(batch.Count);
        }
        catch (IOException spoolError)
        {
            Metrics.AddDropped(batch.Count);
            LogMessages.Dropped(_log, batch.Count, databaseReason, _spool!.Path, spoolError.Message);
            FailPassedBarriers(new IOException(
                $"neither the database ({databaseReason}) nor the spool {_spool.Path} ({spoolError.Message}) could take the events", spoolError));
        }
    }

    private async Task ReplaySpoolAsync(bool force, CancellationToken ct)
    {
        if (_spool is null || !_spool.HasData || (!force && _clock.GetUtcNow() < _nextReplay))
        {
            return;
        }

        try
        {
            var replayed = await _spool.ReplayAsync(_store, _batchSize, ct);
            Metrics.AddWritten(replayed);
            LogMessages.SpoolReplayed(_log, replayed);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _nextReplay = _clock.GetUtcNow() + TimeSpan.FromSeconds(1);
            LogMessages.SpoolReplayFailed(_log, ex.Message);
        }
    }
}

public sealed record IntakeOptions
{
    /// <summary>Events held in memory at most; beyond it TCP and HTTP wait and UDP drops.</summary>
    public int QueueCapacity { get; init; } = 20_000;

    public int BatchSize { get; init; } = 5_000;

    /// <summary>Where batches go while the database is unavailable (null: no spool, a failed write stops the writer).</summary>
    public string? SpoolPath { get; init; }

    public TimeSpan? TracebackFlushAfter { get; init; }
}
