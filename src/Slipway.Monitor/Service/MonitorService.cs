using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Monitor.Scheduling;

namespace Slipway.Monitor.Service;

/// <summary>Where <see cref="MonitorService"/> keeps its files and how often it looks at them.</summary>
public sealed record MonitorServiceOptions
{
    /// <summary>Checks running at once.</summary>
    public int MaxConcurrency { get; init; } = 16;

    /// <summary><c>.slipway/monitor-marks.json</c>: acknowledgements and downtimes, reloaded when it changes.</summary>
    public required string MarksPath { get; init; }

    /// <summary><c>.slipway/monitor-state.json</c>: every check's state, rewritten while results come in.</summary>
    public required string StatePath { get; init; }

    /// <summary>How often the marks file is looked at and the alerts planned.</summary>
    public TimeSpan Housekeeping { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The state file is rewritten at once when a check changes state (or gets its first result, or a mark or alert
    /// changes), and otherwise, for the new last-check times and outputs, at most this often: rewriting a thousand
    /// checks' state every second cost more CPU than running their plugins.
    /// </summary>
    public TimeSpan StateWriteInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long finished runs are gathered before they go to the history in one transaction.</summary>
    public TimeSpan StoreBatchWindow { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The history; null keeps none. Rolled up and pruned every <see cref="RollupEvery"/>.</summary>
    public Storage.IMonitorStore? Store { get; init; }

    public Storage.RetentionPolicy Retention { get; init; } = new();

    public TimeSpan RollupEvery { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Where alerts go; null sends none (the state file still says what would have been told).</summary>
    public Alerts.IAlertDispatcher? Alerts { get; init; }

    /// <summary>A problem still HARD, unacknowledged and out of downtime is told again this often; zero: once.</summary>
    public TimeSpan RenotifyInterval { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>A HARD problem that begins during a deploy of its host or this long after is attributed to it.</summary>
    public TimeSpan DeployWindow { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// The freshness limit of every passive (<c>run_on: agent</c>) check; null: each check's
    /// <see cref="Agent.FreshnessWatch.DefaultLimit"/>.
    /// </summary>
    public TimeSpan? AgentFreshness { get; init; }

    /// <summary>Start every check from the state file (a restart), rather than PENDING.</summary>
    public bool RestoreState { get; init; } = true;
}

/// <summary>
/// What <c>slipway monitor serve</c> runs: the scheduler over every check, with the operators' marks applied (an
/// acknowledged HARD problem and a check in downtime are recorded, not notified), every finished run handed to
/// the sink (the console, the results store, the alerts), and the state file kept current. Stops when
/// the token is cancelled: running checks finish or are killed by their own cancellation, then the state is written a
/// last time.
/// </summary>
public sealed class MonitorService
{
    private readonly IReadOnlyList<ScheduledCheck> _checks;
    private readonly MonitorServiceOptions _options;
    private readonly ICheckRunSink _sink;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly MarksApplier _marks = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _nextDue = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Alerts.AlertTrack> _tracks = new(StringComparer.Ordinal);
    private int _dirty = 1;
    private int _urgent = 1;
    private long _lastStateWrite;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Storage.StoreSink? _storeSink;
    private DateTimeOffset _nextRollup;

    public MonitorService(IReadOnlyList<ScheduledCheck> checks, MonitorServiceOptions options, ICheckRunSink sink,
        TimeProvider? timeProvider = null, ILoggerFactory? loggers = null)
    {
        _checks = checks ?? throw new ArgumentNullException(nameof(checks));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        _time = timeProvider ?? TimeProvider.System;
        loggers ??= NullLoggerFactory.Instance;
        _logger = loggers.CreateLogger("Slipway.Monitor");
        if (options.Store is { } store)
        {
            _storeSink = new Storage.StoreSink(store, _logger, options.StoreBatchWindow, _time);
            _sink = new CheckRunSinks(_storeSink, sink);
        }

        Scheduler = new CheckScheduler(checks, new SchedulerOptions { MaxConcurrency = options.MaxConcurrency, Marks = _marks },
            new Recorder(this), _time, loggers.CreateLogger<CheckScheduler>());
        var passive = checks.Where(c => c.Passive).Select(c => (c.Name, options.AgentFreshness ?? Agent.FreshnessWatch.DefaultLimit(c.Options))).ToList();
        Agents = passive.Count == 0 ? null : new Agent.AgentIntake(Scheduler, passive, _time);
    }

    public CheckScheduler Scheduler { get; }

    /// <summary>Where the host agents' results go in (<c>run_on: agent</c> checks); null when there are none.</summary>
    public Agent.AgentIntake? Agents { get; }

    public int CheckCount => _checks.Count;

    /// <summary>Checks whose state was read back from the state file at the start.</summary>
    public int Restored { get; private set; }

    /// <summary>Alerts planned so far (each one queued on every channel).</summary>
    public int AlertsPlanned { get; private set; }

    /// <summary>Runs until <paramref name="ct"/> is cancelled; returns (does not throw) once everything is written.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        if (_options.RestoreState)
        {
            await RestoreAsync(ct);
        }

        var watcher = new MarksWatcher(_options.MarksPath, _marks, _logger);
        if (await watcher.RefreshAsync(ct))
        {
            Scheduler.ApplyMarks();
        }

        // The alerts stop after the scheduler: what its last runs decide is still queued, then drained.
        using var stopAlerts = new CancellationTokenSource();
        var alerts = _options.Alerts?.RunAsync(stopAlerts.Token) ?? Task.CompletedTask;
        var scheduler = Scheduler.RunAsync(ct);
        try
        {
            while (!ct.IsCancellationRequested && !scheduler.IsCompleted)
            {
                await Task.WhenAny(Task.Delay(_options.Housekeeping, _time, ct), scheduler, Volatile.Read(ref _wake).Task);
                Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                if (await watcher.RefreshAsync(CancellationToken.None))
                {
                    Scheduler.ApplyMarks();
                    MarkChanged();
                }

                if (Agents is { } agents)
                {
                    await agents.CheckFreshnessAsync(ct);
                }

                PlanAlerts();
                await WriteStateAsync();
                await RollupAsync(force: false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }

        if (Agents is { } intake)
        {
            await intake.CloseAsync();
        }

        try
        {
            await scheduler;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }

        PlanAlerts();
        await stopAlerts.CancelAsync();
        await alerts;
        MarkChanged();
        await WriteStateAsync();
        if (_storeSink is not null)
        {
            _storeSink.Complete();
            await _storeSink.Writer;
            await RollupAsync(force: true);
        }
    }

    /// <summary>Every check's status and alert record as the state file has them, when it is there and readable.</summary>
    private async Task RestoreAsync(CancellationToken ct)
    {
        MonitorStateFile? file;
        try
        {
            file = await MonitorStateFile.LoadAsync(_options.StatePath, ct);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            ServiceLog.StateUnreadable(_logger, _options.StatePath, e.Message);
            return;
        }

        foreach (var record in file?.Checks ?? [])
        {
            if (MonitorStateFile.ToStatus(record) is { } status && Scheduler.Restore(record.Id, status))
            {
                _tracks[record.Id] = MonitorStateFile.ToTrack(record);
                Restored++;
            }
        }
    }

    /// <summary>Decides the alerts due now from every check's status (<see cref="Alerts.AlertPlanner"/>) and queues them.</summary>
    private void PlanAlerts()
    {
        var now = _time.GetUtcNow();
        foreach (var (check, status) in Scheduler.Snapshot())
        {
            var track = _tracks.GetValueOrDefault(check, Alerts.AlertTrack.None);
            var decision = Alerts.AlertPlanner.Decide(check, status, track, now, _options.RenotifyInterval, Attribution(check, status));
            if (decision.Track != track)
            {
                _tracks[check] = decision.Track;
                MarkChanged();
            }

            foreach (var notification in decision.Notifications)
            {
                AlertsPlanned++;
                _options.Alerts?.Enqueue(notification);
                AlertPlanned?.Invoke(notification);
            }
        }
    }

    /// <summary>Each alert as it is planned (the console prints it).</summary>
    public event Action<Alerts.Notification>? AlertPlanned;

    /// <summary>The deploy a HARD problem of <paramref name="check"/> follows, from the marks file.</summary>
    private Alerts.DeployAttribution? Attribution(string check, CheckStatus status) =>
        _marks.Current.DeployBehind(check, status.LastHardStateChange, _options.DeployWindow) is { } d
            ? new Alerts.DeployAttribution(d.Stage, d.Action, d.Release, d.Commit, d.StartedAt, d.FinishedAt, d.Result)
            : null;

    /// <summary>Results stored so far (0 without a store).</summary>
    public long Stored => _storeSink?.Written ?? 0;

    /// <summary>Complete buckets into the 5-minute and hourly history, and old history out, every RollupEvery.</summary>
    private async Task RollupAsync(bool force)
    {
        var now = _time.GetUtcNow();
        if (_options.Store is not { } store || (!force && now < _nextRollup))
        {
            return;
        }

        _nextRollup = now + _options.RollupEvery;
        try
        {
            await store.RollupAsync(now, _options.Retention, CancellationToken.None);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or InvalidOperationException)
        {
            Storage.StoreLog.RollupFailed(_logger, e);
        }
    }

    /// <summary>Something a reader of the state file must see now (a state change, a mark, an alert).</summary>
    private void MarkChanged()
    {
        Interlocked.Exchange(ref _dirty, 1);
        Interlocked.Exchange(ref _urgent, 1);
    }

    /// <summary>
    /// The state file: at once after a change (<see cref="MarkChanged"/>); after runs that changed nothing but times
    /// and outputs, once <see cref="MonitorServiceOptions.StateWriteInterval"/> has passed since the last write.
    /// </summary>
    private async Task WriteStateAsync()
    {
        if (Volatile.Read(ref _dirty) == 0
            || (Volatile.Read(ref _urgent) == 0 && _time.GetElapsedTime(_lastStateWrite) < _options.StateWriteInterval))
        {
            return;
        }

        Interlocked.Exchange(ref _dirty, 0);
        Interlocked.Exchange(ref _urgent, 0);
        _lastStateWrite = _time.GetTimestamp();

        try
        {
            await MonitorStateFile.From(Scheduler.Snapshot(), _nextDue, _time.GetUtcNow(), _tracks, Attribution)
                .SaveAsync(_options.StatePath, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ServiceLog.StateWriteFailed(_logger, _options.StatePath, e);
        }
    }

    /// <summary>Notes each run for the state file, then hands it on.</summary>
    private sealed class Recorder(MonitorService service) : ICheckRunSink
    {
        public ValueTask RecordAsync(CheckRun run, CancellationToken ct)
        {
            var first = !service._nextDue.ContainsKey(run.Check);
            service._nextDue[run.Check] = run.NextDue;
            if (first || run.Events.Count > 0 || run.Status.LastStateChange == run.Status.LastCheck)
            {
                service.MarkChanged();
                Volatile.Read(ref service._wake).TrySetResult();
            }
            else
            {
                Interlocked.Exchange(ref service._dirty, 1);
            }

            return service._sink.RecordAsync(run, ct);
        }
    }
}
