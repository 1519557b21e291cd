using Slipway.Queue.Internal;

namespace Slipway.Queue.Tests;

public sealed class RetryPolicyTests
{
    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 40)]
    [InlineData(9, 2560)]
    [InlineData(10, 3600)]
    [InlineData(100, 3600)]
    public void Default_delays_double_from_ten_seconds_up_to_an_hour(int attempt, int seconds) =>
        RetryPolicy.Default.DelayAfter(attempt, 0).ShouldBe(TimeSpan.FromSeconds(seconds));

    [Fact]
    public void Jitter_spreads_the_delay_by_a_quarter_each_way() =>
        (RetryPolicy.Default.DelayAfter(2, -1), RetryPolicy.Default.DelayAfter(2, 1))
            .ShouldBe((TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(25)));

    [Fact]
    public void The_default_schedule_reaches_the_dead_letter_list_after_about_an_hour_and_a_half()
    {
        var total = Enumerable.Range(1, RetryPolicy.Default.MaxAttempts - 1).Aggregate(TimeSpan.Zero,
            (sum, attempt) => sum + RetryPolicy.Default.DelayAfter(attempt, 0));

        total.ShouldBe(TimeSpan.FromSeconds(10 + 20 + 40 + 80 + 160 + 320 + 640 + 1280 + 2560));
    }

    [Fact]
    public void The_last_attempt_dead_letters_instead_of_retrying()
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        FailPlanner.Plan(2, 3, now, RetryPolicy.Default, 0).ShouldBe(new FailResult(FailOutcome.Retrying, now.AddSeconds(20)));
        FailPlanner.Plan(3, 3, now, RetryPolicy.Default, 0).ShouldBe(new FailResult(FailOutcome.Dead));
    }
}
