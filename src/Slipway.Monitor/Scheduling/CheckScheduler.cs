using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Slipway.Monitor.Scheduling;

/// <summary>
/// Runs checks when due (<see cref="CheckSchedule"/>), at most <see cref="SchedulerOptions.MaxConcurrency"/> at once,
/// feeds each result through <see cref="CheckStateMachine"/>, and hands the run to the sink. A check never overlaps
/// itself: it is queued again only when its run has finished. Time comes from the injected <see cref="TimeProvider"/>,
/// so the whole loop runs on a fake clock in tests.
/// </summary>
public sealed class CheckScheduler
{
    private readonly Dictionary<string, ScheduledCheck> _checks;
    private readonly Dictionary<string, CheckStatus> _statuses;
    private readonly PriorityQueue<ScheduledCheck, DateTimeOffset> _queue = new();
    private readonly Lock _gate = new();
    private readonly int _maxConcurrency;
    private readonly ICheckRunSink _sink;
    private readonly ICheckMarks? _marks;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private TaskCompletionSource _wake = NewWake();
    private volatile Task? _parkedOn;
    private int _started;

    public CheckScheduler(IEnumerable<ScheduledCheck> checks, SchedulerOptions options, ICheckRunSink sink,
        TimeProvider? timeProvider = null, ILogger<CheckScheduler>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(checks);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrency, 1);
        _checks = [];
        foreach (var check in checks)
        {
            if (!_checks.TryAdd(check.Name, check))
            {
                throw new ArgumentException($"two checks are named '{check.Name}'", nameof(checks));
            }

            if (check.Options.Validate() is { Count: > 0 } errors)
            {
                throw new ArgumentException($"check '{check.Name}': {string.Join("; ", errors)}", nameof(checks));
            }
        }

        _statuses = _checks.Keys.ToDictionary(name => name, _ => new CheckStatus());
        _maxConcurrency = options.MaxConcurrency;
        _marks = options.Marks;
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<CheckScheduler>.Instance;
    }

    public LatenessStats Lateness { get; } = new();

    /// <summary>The loop is waiting for the next due time and nothing has changed since it looked (tests step a fake clock on it).</summary>
    internal bool IsIdle => _parkedOn is { IsCompleted: false };

    public IReadOnlyDictionary<string, CheckStatus> Snapshot()
    {
        lock (_gate)
        {
            return new Dictionary<string, CheckStatus>(_statuses);
        }
    }

    /// <summary>
    /// Starts <paramref name="check"/> from a status read back from the state file (a restart), instead of PENDING.
    /// Unknown checks are ignored (they were removed from the config); only before <see cref="RunAsync"/>.
    /// </summary>
    public bool Restore(string check, CheckStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (Volatile.Read(ref _started) == 1)
        {
            throw new InvalidOperationException("restore states before the scheduler runs");
        }

        lock (_gate)
        {
            if (!_statuses.ContainsKey(check))
            {
                return false;
            }

            _statuses[check] = status;
            return true;
        }
    }

    public void Acknowledge(string check, bool sticky = false) =>
        Update(check, status => CheckStateMachine.Acknowledge(status, sticky));

    public void RemoveAcknowledgement(string check) => Update(check, CheckStateMachine.RemoveAcknowledgement);

    /// <summary>Puts checks in or out of downtime (a deploy does this for its hosts' checks).</summary>
    public void SetDowntime(IEnumerable<string> checks, bool inDowntime)
    {
        ArgumentNullException.ThrowIfNull(checks);
        foreach (var check in checks)
        {
            Update(check, status => CheckStateMachine.SetDowntime(status, inDowntime));
        }
    }

    /// <summary>Applies <see cref="SchedulerOptions.Marks"/> to every check now (after the marks changed), so a snapshot shows them before the next runs.</summary>
    public void ApplyMarks()
    {
        if (_marks is null)
        {
            return;
        }

        var now = _time.GetUtcNow();
        lock (_gate)
        {
            foreach (var name in _checks.Keys)
            {
                _statuses[name] = _marks.Apply(name, _statuses[name], now);
            }
        }
    }

    /// <summary>Runs until <paramref name="ct"/> is cancelled, then waits for the running checks and throws.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            throw new InvalidOperationException("the scheduler is already running");
        }

        var start = _time.GetUtcNow();
        lock (_gate)
        {
            foreach (var check in _checks.Values.Where(c => !c.Passive))
            {
                _queue.Enqueue(check, CheckSchedule.FirstDue(check.Name, check.Options.CheckInterval, start));
            }
        }

        var running = new HashSet<Task>();
        using var slots = new SemaphoreSlim(_maxConcurrency, _maxConcurrency);
        try
        {
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                var wake = Volatile.Read(ref _wake).Task;
                if (!TryTakeDue(out var check, out var due, out var wait))
                {
                    await WaitAsync(wait, wake, ct);
                    continue;
                }

                await slots.WaitAsync(ct);
                var started = _time.GetUtcNow();
                Lateness.Record(started - due);
                // On the thread pool: a check that spawns a process or blocks before its first await must not hold the loop.
                var run = Task.Run(() => RunOneAsync(check, due, started, slots, ct), CancellationToken.None);
                lock (running)
                {
                    running.Add(run);
                }

                _ = run.ContinueWith(done =>
                {
                    lock (running)
                    {
                        running.Remove(done);
                    }
                }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        finally
        {
            Task[] left;
            lock (running)
            {
                left = [.. running];
            }

            await Task.WhenAll(left).ContinueWith(_ => { }, CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private bool TryTakeDue(out ScheduledCheck check, out DateTimeOffset due, out TimeSpan? wait)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_queue.TryPeek(out check!, out due) && due <= now)
            {
                _queue.Dequeue();
                wait = null;
                return true;
            }

            wait = _queue.Count == 0 ? null : due - now;
            return false;
        }
    }

    /// <summary>Until the next due time, or until a finished run queues a check again (it may be due sooner).</summary>
    private async Task WaitAsync(TimeSpan? wait, Task wake, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var delay = wait is { } w ? Task.Delay(w, _time, stop.Token) : Task.Delay(Timeout.Infinite, stop.Token);
        _parkedOn = wake;
        await Task.WhenAny(delay, wake);
        _parkedOn = null;
        await stop.CancelAsync();
        ct.ThrowIfCancellationRequested();
    }

    private async Task RunOneAsync(ScheduledCheck check, DateTimeOffset due, DateTimeOffset started, SemaphoreSlim slots,
        CancellationToken ct)
    {
        try
        {
            CheckResult result;
            try
            {
                result = await check.Check.RunAsync(check.Options.Timeout, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogMessages.CheckThrew(_logger, check.Name, e);
                result = CheckResult.Unknown($"(check failed: {e.Message})");
            }

            var finished = _time.GetUtcNow();
            CheckStateMachine.Transition transition;
            DateTimeOffset next;
            lock (_gate)
            {
                var before = _marks?.Apply(check.Name, _statuses[check.Name], finished) ?? _statuses[check.Name];
                transition = CheckStateMachine.Apply(check.Name, before, result, finished, check.Options);
                _statuses[check.Name] = transition.Status;
                next = CheckSchedule.NextDue(check.Name, transition.Status, check.Options, finished);
                _queue.Enqueue(check, next);
            }

            Interlocked.Exchange(ref _wake, NewWake()).TrySetResult();
            try
            {
                await _sink.RecordAsync(new CheckRun(check.Name, due, started, result, transition.Status, transition.Events, next), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                LogMessages.SinkFailed(_logger, check.Name, e);
            }
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>
    /// A result of a passive check that ran elsewhere (a host agent), or that a freshness watch made up: judged by the
    /// state machine with the marks applied, exactly as a run of its own, and handed to the sink. <paramref name="at"/>
    /// is when it ran; the returned run's <see cref="CheckRun.NextDue"/> is when the next result is expected.
    /// </summary>
    public async ValueTask<CheckRun> SubmitAsync(string check, CheckResult result, DateTimeOffset at, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!_checks.TryGetValue(check, out var scheduled))
        {
            throw new KeyNotFoundException($"no check is named '{check}'");
        }

        CheckRun run;
        lock (_gate)
        {
            var before = _marks?.Apply(check, _statuses[check], at) ?? _statuses[check];
            var transition = CheckStateMachine.Apply(check, before, result, at, scheduled.Options);
            _statuses[check] = transition.Status;
            var next = CheckSchedule.NextDue(check, transition.Status, scheduled.Options, at);
            run = new CheckRun(check, at, at, result, transition.Status, transition.Events, next);
        }

        try
        {
            await _sink.RecordAsync(run, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogMessages.SinkFailed(_logger, check, e);
        }

        return run;
    }

    private void Update(string check, Func<CheckStatus, CheckStatus> change)
    {
        lock (_gate)
        {
            if (!_statuses.TryGetValue(check, out var status))
            {
                throw new KeyNotFoundException($"no check is named '{check}'");
            }

            _statuses[check] = change(status);
        }
    }

    private static TaskCompletionSource NewWake() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
