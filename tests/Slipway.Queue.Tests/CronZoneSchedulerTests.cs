using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Slipway.Core.Scheduling;
using Slipway.Queue.Scheduling;
using Slipway.Testing;

namespace Slipway.Queue.Tests;

/// <summary>
/// A schedule in Europe/Paris across the autumn clock change, run by two schedulers (hosts) on one SQLite store and a
/// fake clock: the repeated hour's ticks fire once, each by one scheduler, and nothing is reported missed.
/// </summary>
public sealed class CronZoneSchedulerTests
{
    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text + "Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact(Timeout = 60_000)]
    public async Task Two_schedulers_fire_each_half_hour_of_Paris_once_across_the_fall_back()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var url = "sqlite://" + dir.File("queue.db");

        // 25 October 2026, 02:00 CEST (00:00 UTC): at 03:00 CEST the clocks go back to 02:00 CET.
        var clock = new FakeTimeProvider(Utc("2026-10-25T00:00"));
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var schedule = new QueueSchedule("half-hourly", CronSchedule.Parse("*/30 * * * *").In(paris), "reports", "{}");
        var handled = new ConcurrentQueue<CronFiring>();
        var engines = new List<IQueueEngine>();
        var runs = new List<Task>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            for (var host = 0; host < 2; host++)
            {
                var engine = QueueEngineFactory.Open(url, QueueEngineOptions.Default, clock);
                await engine.InitializeAsync(ct);
                engines.Add(engine);
                runs.Add(new CronScheduler(engine, [schedule], clock) { OnTick = handled.Enqueue }.RunAsync(stop.Token));
            }

            // 02:00 and 02:30 CEST, then (the second 02:00 and 02:30, CET, fired already on their first pass) 03:00 and 03:30 CET.
            DateTimeOffset[] expected = [Utc("2026-10-25T00:00"), Utc("2026-10-25T00:30"), Utc("2026-10-25T02:00"), Utc("2026-10-25T02:30")];
            foreach (var tick in expected)
            {
                clock.Advance(tick - clock.GetUtcNow());
                (await Eventually.ForAsync(() => handled.Count(f => f.Tick == tick) == 2, TimeSpan.FromSeconds(20), ct))
                    .ShouldBeTrue($"both schedulers handled {tick:u}: {string.Join(", ", handled)}");
            }

            handled.Select(f => f.Tick).Distinct().Order().ShouldBe(expected);
            handled.ShouldNotContain(f => f.Outcome == CronOutcome.Missed);
            handled.Count(f => f.Outcome == CronOutcome.Fired).ShouldBe(4);
            (await engines[0].StatsAsync("reports", ct)).Ready.ShouldBe(4);
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
}
