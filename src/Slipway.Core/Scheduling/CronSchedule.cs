using System.Globalization;

namespace Slipway.Core.Scheduling;

/// <summary>
/// A five-field cron expression (minute hour day-of-month month day-of-week): <c>*</c>, numbers, lists <c>1,15</c>,
/// ranges <c>1-5</c> and steps <c>*/15</c>, <c>8-18/2</c>; day-of-week 0 or 7 is Sunday. When both day fields are
/// restricted a day matches either (as in cron). The fields are read on the clock of <see cref="Zone"/> (UTC unless
/// <see cref="In"/> names another). Across a daylight-saving change: the local times a spring-forward skips fire once,
/// at the instant the gap ends (so a 02:30 job runs at 03:00 that day); the local times a fall-back repeats fire once,
/// on their first pass.
/// </summary>
public sealed class CronSchedule
{
    private readonly bool[] _minutes = new bool[60];
    private readonly bool[] _hours = new bool[24];
    private readonly bool[] _days = new bool[32];
    private readonly bool[] _months = new bool[13];
    private readonly bool[] _weekdays = new bool[8];
    private readonly bool _anyDay;
    private readonly bool _anyWeekday;

    private CronSchedule(string[] f)
    {
        Expression = string.Join(' ', f);
        Fill(_minutes, f[0], 0, 59, "minute");
        Fill(_hours, f[1], 0, 23, "hour");
        _anyDay = Fill(_days, f[2], 1, 31, "day of month");
        Fill(_months, f[3], 1, 12, "month");
        _anyWeekday = Fill(_weekdays, f[4], 0, 7, "day of week");
        _weekdays[0] |= _weekdays[7];
    }

    public string Expression { get; }

    /// <summary>Whose wall clock the fields are read on.</summary>
    public TimeZoneInfo Zone { get; private init; } = TimeZoneInfo.Utc;

    /// <summary>The same expression on the wall clock of <paramref name="zone"/>.</summary>
    public CronSchedule In(TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        // UTC by any name takes the plain UTC walk.
        return new CronSchedule(Expression.Split(' ')) { Zone = zone.Id is "UTC" or "Etc/UTC" ? TimeZoneInfo.Utc : zone };
    }

    public static CronSchedule Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
        {
            throw new FormatException($"'{expression}' is not a cron expression of 5 fields (minute hour day month weekday), such as \"0 7 * * *\"");
        }

        return new CronSchedule(fields);
    }

    /// <summary>The first instant strictly after <paramref name="after"/> that matches (in UTC; a whole minute of <see cref="Zone"/>).</summary>
    public DateTimeOffset Next(DateTimeOffset after)
    {
        if (Zone != TimeZoneInfo.Utc)
        {
            return NextInZone(after);
        }

        var t = after.ToUniversalTime();
        t = new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, TimeSpan.Zero).AddMinutes(1);
        for (var i = 0; i < 366 * 24 * 60 * 5; i++, t = t.AddMinutes(1))
        {
            if (!_months[t.Month] || !DayMatches(t))
            {
                t = new DateTimeOffset(t.Year, t.Month, t.Day, 23, 59, 0, TimeSpan.Zero);
                continue;
            }

            if (_hours[t.Hour] && _minutes[t.Minute])
            {
                return t;
            }
        }

        throw new FormatException($"the cron expression '{Expression}' never matches (e.g. 30 February)");
    }

    /// <summary><see cref="Next"/> on the zone's wall clock: local minutes are walked, and each match mapped to its instant.</summary>
    private DateTimeOffset NextInZone(DateTimeOffset after)
    {
        var local = TimeZoneInfo.ConvertTime(after, Zone).DateTime;
        var t = new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0, DateTimeKind.Unspecified).AddMinutes(1);
        for (var i = 0; i < 366 * 24 * 60 * 5; i++, t = t.AddMinutes(1))
        {
            if (!_months[t.Month] || !DayMatches(t.Day, t.DayOfWeek))
            {
                t = new DateTime(t.Year, t.Month, t.Day, 23, 59, 0, DateTimeKind.Unspecified);
                continue;
            }

            if (_hours[t.Hour] && _minutes[t.Minute] && Instant(t) is var at && at > after)
            {
                return at;
            }
        }

        throw new FormatException($"the cron expression '{Expression}' never matches (e.g. 30 February)");
    }

    /// <summary>
    /// When a wall-clock minute happens: a skipped one (spring forward) at the end of its gap, a repeated one (fall back)
    /// on its first pass, so each fires once.
    /// </summary>
    private DateTimeOffset Instant(DateTime local)
    {
        if (Zone.IsInvalidTime(local))
        {
            var end = local;
            while (Zone.IsInvalidTime(end))
            {
                end = end.AddMinutes(1);
            }

            return new DateTimeOffset(end, Zone.GetUtcOffset(end));
        }

        return Zone.IsAmbiguousTime(local)
            ? new DateTimeOffset(local, Zone.GetAmbiguousTimeOffsets(local).Max()) // the larger offset is the earlier instant
            : new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }

    private bool DayMatches(DateTimeOffset t) => DayMatches(t.Day, t.DayOfWeek);

    private bool DayMatches(int dayOfMonth, DayOfWeek dayOfWeek)
    {
        var day = _days[dayOfMonth];
        var weekday = _weekdays[(int)dayOfWeek];
        return _anyDay && _anyWeekday ? true : _anyDay ? weekday : _anyWeekday ? day : day || weekday;
    }

    /// <summary>Marks the values of one field; true when the field is "*" (unrestricted).</summary>
    private static bool Fill(bool[] set, string field, int min, int max, string name)
    {
        foreach (var part in field.Split(','))
        {
            var step = 1;
            var range = part;
            var slash = part.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                step = Number(part[(slash + 1)..], 1, max, name);
                range = part[..slash];
            }

            int from, to;
            if (range == "*")
            {
                (from, to) = (min, max);
            }
            else if (range.IndexOf('-', StringComparison.Ordinal) is var dash and > 0)
            {
                (from, to) = (Number(range[..dash], min, max, name), Number(range[(dash + 1)..], min, max, name));
            }
            else
            {
                from = Number(range, min, max, name);
                to = slash >= 0 ? max : from;
            }

            if (from > to)
            {
                throw new FormatException($"cron {name}: range '{range}' goes backwards");
            }

            for (var v = from; v <= to; v += step)
            {
                set[v] = true;
            }
        }

        return field == "*";
    }

    private static int Number(string text, int min, int max, string name) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new FormatException($"cron {name}: '{text}' is not a number from {min} to {max}");
}
