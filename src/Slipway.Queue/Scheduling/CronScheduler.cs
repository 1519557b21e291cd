using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Core.Scheduling;

namespace Slipway.Queue.Scheduling;

/// <summary>One cron schedule: on every tick of <see cref="Cron"/> (UTC) a job with <see cref="Payload"/> goes to <see cref="Queue"/>.</summary>
public sealed record QueueSchedule(string Name, CronSchedule Cron, string Queue, string Payload)
{
    public int? MaxAttempts { get; init; }

    /// <summary>The idempotency key of one tick: the same on every host, so the store keeps one job per tick.</summary>
    public string KeyOf(DateTimeOffset tick) =>
        "cron:" + Name + ":" + tick.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);
}

/// <summary>What a scheduler did about one tick.</summary>
public enum CronOutcome
{
    /// <summary>This scheduler pushed the tick's job.</summary>
    Fired,

    /// <summary>Another scheduler (another host, or an earlier run) had pushed it: the store kept its job.</summary>
    AlreadyFired,

    /// <summary>Ticks this scheduler was too late for (it was stopped, or the clock jumped): only the latest is fired.</summary>
    Missed,
}

/// <summary>One tick handled: which schedule, which tick, the outcome and the job's id (0 for <see cref="CronOutcome.Missed"/>).</summary>
public sealed record CronFiring(string Schedule, DateTimeOffset Tick, CronOutcome Outcome, long JobId);

/// <summary>
/// Pushes the jobs of cron schedules, exactly once per tick across every scheduler that shares the store. Every host
/// may run one (they are symmetric): each tick's job carries the idempotency key <c>cron:NAME:TICK</c>, and the store's
/// unique key turns the others' pushes into no-ops. So no leader election, no lock to expire, and no tick lost when a
/// host is down, as long as one scheduler runs. A scheduler that starts up fires the last tick of the past
/// <see cref="CatchUp"/> (a restart during a deploy does not lose the tick it straddled, and the key still keeps it
/// once); older ticks it missed are reported as <see cref="CronOutcome.Missed"/> and skipped, not run in a burst.
/// Needs an engine with idempotency keys (not SQS); a tick's key is kept as long as the store keeps the job
/// (retention), which must exceed <see cref="CatchUp"/>.
/// </summary>
public sealed class CronScheduler
{
    private readonly IQueueEngine _engine;
    private readonly IReadOnlyList<QueueSchedule> _schedules;
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    public CronScheduler(IQueueEngine engine, IReadOnlyList<QueueSchedule> schedules, TimeProvider? time = null, ILogger? log = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(schedules);
        if (engine.Kind == "sqs" && schedules.Count > 0)
        {
            throw new QueueException(
                "Cron schedules need a store with idempotency keys to fire once across hosts, and the sqs engine has none: use sqlite, postgres or redis for queue.schedules.");
        }

        _engine = engine;
        _schedules = schedules;
        _time = time ?? TimeProvider.System;
        _log = log ?? NullLogger.Instance;
    }

    /// <summary>How far back a starting scheduler looks for a tick to fire (default 1 minute).</summary>
    public TimeSpan CatchUp { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long to wait before trying a tick again when the store cannot be reached (default 1 s).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Told of every tick handled (the CLI prints it; tests count it).</summary>
    public Action<CronFiring>? OnTick { get; init; }

    /// <summary>Runs until <paramref name="ct"/> fires; returns then (never throws for a cancellation).</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        if (_schedules.Count == 0)
        {
            return;
        }

        var start = _time.GetUtcNow();
        var next = _schedules.Select(s => s.Cron.Next(start - CatchUp)).ToArray();
        while (!ct.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            var failed = false;
            for (var i = 0; i < _schedules.Count; i++)
            {
                if (next[i] > now)
                {
                    continue;
                }

                var schedule = _schedules[i];
                var tick = LatestDue(schedule.Cron, next[i], now, out var missed);
                if (missed > 0)
                {
                    CronLog.Missed(_log, schedule.Name, missed, tick);
                    OnTick?.Invoke(new CronFiring(schedule.Name, next[i], CronOutcome.Missed, 0));
                }

                try
                {
                    var result = await _engine.EnqueueAsync(new NewJob(schedule.Queue, schedule.Payload)
                    {
                        IdempotencyKey = schedule.KeyOf(tick),
                        MaxAttempts = schedule.MaxAttempts,
                    }, ct);
                    var outcome = result.Created ? CronOutcome.Fired : CronOutcome.AlreadyFired;
                    CronLog.Handled(_log, schedule.Name, tick, schedule.Queue, result.JobId, outcome);
                    OnTick?.Invoke(new CronFiring(schedule.Name, tick, outcome, result.JobId));
                    next[i] = schedule.Cron.Next(tick);
                }
                catch (Exception e) when (e is QueueUnavailableException or DbException or TimeoutException && !ct.IsCancellationRequested)
                {
                    // The same tick again soon: its key makes a retry safe, whoever else fired it meanwhile.
                    CronLog.PushFailed(_log, e, schedule.Name, tick, RetryDelay);
                    next[i] = tick;
                    failed = true;
                }
            }

            var wait = failed ? RetryDelay : next.Min() - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, _time, ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    /// <summary>The last tick at or before <paramref name="now"/>, starting from the due <paramref name="first"/>; how many were skipped.</summary>
    internal static DateTimeOffset LatestDue(CronSchedule cron, DateTimeOffset first, DateTimeOffset now, out int skipped)
    {
        skipped = 0;
        var tick = first;
        for (var following = cron.Next(tick); following <= now; following = cron.Next(tick))
        {
            tick = following;
            skipped++;
        }

        return tick;
    }
}

internal static partial class CronLog
{
    [LoggerMessage(EventId = 1821, Level = LogLevel.Information, Message = "Schedule {Schedule}: tick {Tick:u} to queue {Queue}: job {JobId} ({Outcome})")]
    public static partial void Handled(ILogger logger, string schedule, DateTimeOffset tick, string queue, long jobId, CronOutcome outcome);

    [LoggerMessage(EventId = 1822, Level = LogLevel.Warning, Message = "Schedule {Schedule}: {Count} earlier ticks missed before {Tick:u}; only that one fires")]
    public static partial void Missed(ILogger logger, string schedule, int count, DateTimeOffset tick);

    [LoggerMessage(EventId = 1823, Level = LogLevel.Warning, Message = "Schedule {Schedule}: pushing tick {Tick:u} failed, retrying in {Delay}")]
    public static partial void PushFailed(ILogger logger, Exception exception, string schedule, DateTimeOffset tick, TimeSpan delay);
}
