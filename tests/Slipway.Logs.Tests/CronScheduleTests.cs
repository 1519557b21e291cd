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

    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text + "Z", System.Globalization.CultureInfo.InvariantCulture);

    private static List<DateTimeOffset> Ticks(CronSchedule cron, string fromUtc, int count)
    {
        var ticks = new List<DateTimeOffset>();
        var t = Utc(fromUtc);
        for (var i = 0; i < count; i++)
        {
            ticks.Add(t = cron.Next(t));
        }

        return ticks;
    }

    [Fact]
    public void A_zone_reads_the_fields_on_its_wall_clock_summer_and_winter()
    {
        var sevenInParis = CronSchedule.Parse("0 7 * * *").In(Paris);
        sevenInParis.Next(Utc("2026-01-10T12:00")).ShouldBe(Utc("2026-01-11T06:00")); // CET, UTC+1
        sevenInParis.Next(Utc("2026-07-10T12:00")).ShouldBe(Utc("2026-07-11T05:00")); // CEST, UTC+2
    }

    [Fact]
    public void A_time_the_spring_forward_skips_fires_once_when_the_gap_ends()
    {
        // 29 March 2026: Paris goes from 02:00 CET straight to 03:00 CEST (01:00 UTC). 02:30 does not exist that day.
        Ticks(CronSchedule.Parse("30 2 * * *").In(Paris), "2026-03-28T12:00", 2)
            .ShouldBe([Utc("2026-03-29T01:00"), Utc("2026-03-30T00:30")]);

        // Four quarter-hours of the skipped hour: one firing, at 03:00 CEST.
        Ticks(CronSchedule.Parse("*/15 2 * * *").In(Paris), "2026-03-28T12:00", 2)
            .ShouldBe([Utc("2026-03-29T01:00"), Utc("2026-03-30T00:00")]);
    }

    [Fact]
    public void A_time_the_fall_back_repeats_fires_once_on_its_first_pass()
    {
        // 25 October 2026: Paris goes from 03:00 CEST back to 02:00 CET (01:00 UTC). 02:30 happens twice; it fires at the first.
        Ticks(CronSchedule.Parse("30 2 * * *").In(Paris), "2026-10-24T12:00", 2)
            .ShouldBe([Utc("2026-10-25T00:30"), Utc("2026-10-26T01:30")]);

        // Hourly: 02:00 once (its first pass), then 03:00 CET; nothing fires in the repeated hour's second pass.
        Ticks(CronSchedule.Parse("0 * * * *").In(Paris), "2026-10-24T23:30", 3)
            .ShouldBe([Utc("2026-10-25T00:00"), Utc("2026-10-25T02:00"), Utc("2026-10-25T03:00")]);
    }

    [Fact]
    public void UTC_by_name_is_plain_UTC()
    {
        var cron = CronSchedule.Parse("0 7 * * *").In(TimeZoneInfo.FindSystemTimeZoneById("UTC"));
        cron.Zone.ShouldBe(TimeZoneInfo.Utc);
        cron.Next(Wed).ShouldBe(Utc("2026-03-11T07:00"));
    }
}
