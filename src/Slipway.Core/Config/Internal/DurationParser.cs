using System.Globalization;

namespace Slipway.Core.Config.Internal;

/// <summary>Durations as people write them: <c>500ms</c>, <c>10s</c>, <c>5m</c>, <c>2h</c>, <c>7d</c>, <c>1w</c>, or plain seconds. Pure.</summary>
internal static class DurationParser
{
    private static readonly (string Suffix, double Seconds)[] Units =
        [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400), ("w", 604800)];

    public static TimeSpan? Parse(string text)
    {
        var s = text.Trim().ToLowerInvariant();
        var unit = 1.0;
        foreach (var (suffix, seconds) in Units.OrderByDescending(u => u.Suffix.Length))
        {
            if (s.EndsWith(suffix, StringComparison.Ordinal))
            {
                unit = seconds;
                s = s[..^suffix.Length].TrimEnd();
                break;
            }
        }

        if (!double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) ||
            number < 0 || number * unit > TimeSpan.FromDays(3650).TotalSeconds)
        {
            return null;
        }

        return TimeSpan.FromSeconds(number * unit);
    }
}
