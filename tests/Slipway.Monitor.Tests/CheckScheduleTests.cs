using Slipway.Monitor.Scheduling;

namespace Slipway.Monitor.Tests;

public sealed class CheckScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly CheckOptions Options = new() { CheckInterval = TimeSpan.FromMinutes(5), RetryInterval = TimeSpan.FromMinutes(1) };

    [Fact]
    public void A_thousand_checks_start_spread_over_the_interval_not_at_once()
    {
        var interval = TimeSpan.FromSeconds(60);
        var buckets = new int[10];
        for (var i = 0; i < 1000; i++)
        {
            var phase = CheckSchedule.Phase($"web{i}:http", interval);
            phase.ShouldBeGreaterThanOrEqualTo(TimeSpan.Zero);
            phase.ShouldBeLessThan(interval);
            buckets[(int)(phase.TotalSeconds / 6)]++;
        }

        // 100 per 6-second tenth on average; a herd would put them all in one.
        buckets.ShouldAllBe(count => count >= 60 && count <= 140);
    }

    [Fact]
    public void The_phase_is_the_same_on_every_run()
    {
        CheckSchedule.Phase("web1:http", TimeSpan.FromMinutes(5))
            .ShouldBe(CheckSchedule.Phase("web1:http", TimeSpan.FromMinutes(5)));
        CheckSchedule.Phase("web1:http", TimeSpan.FromMinutes(5))
            .ShouldNotBe(CheckSchedule.Phase("web2:http", TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void Ok_runs_at_the_checks_own_slots_one_interval_apart()
    {
        var first = CheckSchedule.FirstDue("web", Options.CheckInterval, T0);
        first.ShouldBeGreaterThanOrEqualTo(T0);
        first.ShouldBeLessThan(T0 + Options.CheckInterval);

        // Started 20 s late: the next run keeps the phase instead of drifting by the lateness.
        CheckSchedule.NextDue("web", new CheckStatus(), Options, first.AddSeconds(20)).ShouldBe(first + Options.CheckInterval);
    }

    [Fact]
    public void A_soft_problem_is_checked_again_after_the_retry_interval()
    {
        var soft = new CheckStatus { State = ServiceState.Critical, Type = StateType.Soft, Attempt = 1 };

        CheckSchedule.NextDue("web", soft, Options, T0).ShouldBe(T0 + Options.RetryInterval);
    }

    [Fact]
    public void A_hard_problem_is_checked_at_the_check_interval_unless_it_is_recovering()
    {
        var hard = new CheckStatus { State = ServiceState.Critical, Type = StateType.Hard, Attempt = 3 };

        var next = CheckSchedule.NextDue("web", hard, Options, T0);
        next.ShouldBeGreaterThanOrEqualTo(T0 + (Options.CheckInterval / 2));
        next.ShouldBeLessThan(T0 + (Options.CheckInterval * 1.5));

        CheckSchedule.NextDue("web", hard with { OkStreak = 1 }, Options, T0).ShouldBe(T0 + Options.RetryInterval);
    }
}
