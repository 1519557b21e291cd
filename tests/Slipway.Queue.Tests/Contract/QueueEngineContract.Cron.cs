using System.Collections.Concurrent;
using Slipway.Core.Scheduling;
using Slipway.Queue.Scheduling;
using Slipway.Testing;

namespace Slipway.Queue.Tests.Contract;

/// <summary>Cron schedules: several schedulers (hosts) on one store, on the fake clock.</summary>
public abstract partial class QueueEngineContract
{
    private static readonly QueueSchedule EveryMinute = new("every-minute", CronSchedule.Parse("* * * * *"), "reports", """{"kind":"tick"}""");

    [Fact(Timeout = 60_000)]
    public async Task Three_schedulers_on_one_store_push_exactly_one_job_per_tick()
    {
        Needs(EngineCapability.IdempotencyKeys);
        var ct = TestContext.Current.CancellationToken;
        var url = await NewStoreAsync(ct);
        var engines = new List<IQueueEngine>();
        var handled = new ConcurrentQueue<(int Host, CronFiring Firing)>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var runs = new List<Task>();
        try
        {
            for (var host = 0; host < 3; host++)
            {
                var engine = await OpenAsync(url);
                engines.Add(engine);
                var me = host;
                runs.Add(new CronScheduler(engine, [EveryMinute], Clock) { OnTick = f => handled.Enqueue((me, f)) }.RunAsync(stop.Token));
            }

            // Started at 12:00:00: each fires the 12:00 tick at once (its catch-up), then one tick a minute.
            for (var minute = 0; minute < 5; minute++)
            {
                var tick = Start.AddMinutes(minute);
                (await Eventually.ForAsync(() => Task.FromResult(handled.Count(h => h.Firing.Tick == tick) == 3), TimeSpan.FromSeconds(20), ct))
                    .ShouldBeTrue($"all three schedulers handled {tick:u}");
                if (minute < 4)
                {
                    Clock.Advance(TimeSpan.FromMinutes(1));
                }
            }

            (await engines[0].StatsAsync("reports", ct)).Ready.ShouldBe(5);
            var byTick = handled.GroupBy(h => h.Firing.Tick).ToList();
            byTick.Count.ShouldBe(5);
            foreach (var tick in byTick)
            {
                tick.Count(h => h.Firing.Outcome == CronOutcome.Fired).ShouldBe(1, $"tick {tick.Key:u}");
                tick.Count(h => h.Firing.Outcome == CronOutcome.AlreadyFired).ShouldBe(2, $"tick {tick.Key:u}");
                tick.Select(h => h.Firing.JobId).Distinct().Count().ShouldBe(1);
            }

            (await LeaseOneAsync(engines[1], "reports")).Payload.ShouldBe("""{"kind":"tick"}""");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(runs);
            foreach (var engine in engines)
            {
                await engine.DisposeAsync();
            }
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_scheduler_that_falls_behind_fires_the_latest_tick_only()
    {
        Needs(EngineCapability.IdempotencyKeys);
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await NewEngineAsync();
        var handled = new ConcurrentQueue<CronFiring>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = new CronScheduler(engine, [EveryMinute], Clock) { OnTick = handled.Enqueue }.RunAsync(stop.Token);
        (await Eventually.ForAsync(() => Task.FromResult(handled.Count == 1), TimeSpan.FromSeconds(20), ct)).ShouldBeTrue();

        // The host was suspended for ten minutes: 12:01 … 12:09 are missed, 12:10 fires.
        Clock.Advance(TimeSpan.FromMinutes(10));
        (await Eventually.ForAsync(() => Task.FromResult(handled.Any(f => f.Tick == Start.AddMinutes(10))), TimeSpan.FromSeconds(20), ct)).ShouldBeTrue();
        await stop.CancelAsync();
        await run;

        handled.Select(f => (f.Tick, f.Outcome)).ShouldBe(
            [(Start, CronOutcome.Fired), (Start.AddMinutes(1), CronOutcome.Missed), (Start.AddMinutes(10), CronOutcome.Fired)]);
        (await engine.StatsAsync("reports", ct)).Ready.ShouldBe(2);
    }
}
