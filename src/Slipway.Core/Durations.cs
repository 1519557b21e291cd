using System.Globalization;

namespace Slipway.Core;

/// <summary>
/// The one duration syntax of every flag and every slipway.yml key: a number and a unit, <c>500ms</c>, <c>30s</c>,
/// <c>5m</c>, <c>1h</c>, <c>7d</c>, <c>2w</c>, or a plain number of seconds. Pure.
/// </summary>
public static class Durations
{
    /// <summary>What messages show as examples of the syntax.</summary>
    public const string Examples = "500ms, 30s, 5m, 1h, 7d or 2w";

    private static readonly (string Suffix, double Seconds)[] Units =
        [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400), ("w", 604800)];

    // Longer suffixes first, so "ms" is not read as "s".
    private static readonly (string Suffix, double Seconds)[] UnitsLongestFirst = [.. Units.OrderByDescending(u => u.Suffix.Length)];

    /// <summary>Ten years: anything longer is a typo, and TimeSpan arithmetic near its limits overflows.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(3650);

    /// <summary>The duration, or null when <paramref name="text"/> is not one (negative, too long, unknown unit).</summary>
    public static TimeSpan? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var s = text.Trim().ToLowerInvariant();
        var unit = 1.0;
        foreach (var (suffix, seconds) in UnitsLongestFirst)
        {
            if (s.EndsWith(suffix, StringComparison.Ordinal))
            {
                unit = seconds;
                s = s[..^suffix.Length].TrimEnd();
                break;
            }
        }

        if (!double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) ||
            number < 0 || number * unit > Max.TotalSeconds)
        {
            return null;
        }

        return TimeSpan.FromSeconds(number * unit);
    }

    public static bool TryParse(string? text, out TimeSpan value)
    {
        var parsed = Parse(text);
        value = parsed ?? default;
        return parsed is not null;
    }

    /// <summary>The exact form in the largest whole unit up to days: <c>7d</c>, <c>90m</c>, <c>1500ms</c>.</summary>
    public static string Format(TimeSpan span)
    {
        foreach (var (suffix, seconds) in Units.Where(u => u.Suffix != "w").Reverse())
        {
            var count = span.TotalSeconds / seconds;
            if (count >= 1 && Math.Abs(count - Math.Round(count)) < 1e-9)
            {
                return Math.Round(count).ToString(CultureInfo.InvariantCulture) + suffix;
            }
        }

        return span == TimeSpan.Zero ? "0s" : Math.Round(span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
    }
}
