using Slipway.Core.Scheduling;

namespace Slipway.Logs.Tests;

public sealed class CronScheduleTests
{
    private static readonly DateTimeOffset Wed = new(2026, 3, 11, 6, 59, 30, TimeSpan.Zero); // a Wednesday

    [Theory]
    [InlineData("0 7 * * *", "2026-03-11T07:00")]
    [InlineData("*/15 * * * *", "2026-03-11T07:00")]
    [InlineData("30 8-18/2 * * *", "2026-03-11T08:30")]
    [InlineData("0 7 * * 1", "2026-03-16T07:00")]
    [InlineData("0 7 * * 0", "2026-03-15T07:00")]
    [InlineData("0 7 * * 7", "2026-03-15T07:00")]
    [InlineData("0 0 1 * *", "2026-04-01T00:00")]
    [InlineData("0 0 1 1 *", "2027-01-01T00:00")]
    [InlineData("0 9 15 * 1", "2026-03-15T09:00")] // day 15 OR Monday, whichever comes first
    [InlineData("59 6 * * *", "2026-03-12T06:59")]  // strictly after: 06:59:30 does not match 06:59 again
    public void Next_finds_the_first_matching_minute(string expression, string expected)
    {
        CronSchedule.Parse(expression).Next(Wed).ShouldBe(DateTimeOffset.Parse(expected + "Z", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("0 7 * *", "5 fields")]
    [InlineData("60 7 * * *", "minute: '60' is not a number from 0 to 59")]
    [InlineData("0 7 * * mon", "day of week: 'mon'")]
    [InlineData("0 18-8 * * *", "goes backwards")]
    public void Bad_expressions_say_what_is_wrong(string expression, string message)
    {
        Should.Throw<FormatException>(() => CronSchedule.Parse(expression)).Message.ShouldContain(message);
    }

    [Fact]
    public void An_impossible_date_is_reported()
    {
        Should.Throw<FormatException>(() => CronSchedule.Parse("0 0 30 2 *").Next(Wed)).Message.ShouldContain("never matches");
    }
}
