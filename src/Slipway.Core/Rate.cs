using System.Globalization;

namespace Slipway.Core;

/// <summary>
/// A rate, <see cref="Count"/> per <see cref="Per"/>, written <c>10/s</c>, <c>600/m</c>, <c>1000/d</c> or with a
/// duration after the slash, <c>5/10s</c> (the one duration syntax, <see cref="Durations"/>). Pure.
/// </summary>
public readonly record struct Rate(int Count, TimeSpan Per)
{
    /// <summary>What messages show as examples of the syntax.</summary>
    public const string Examples = "10/s, 600/m or 5/10s";

    /// <summary>A million per period: more is a typo (and a lease never hands out that many at once).</summary>
    public const int MaxCount = 1_000_000;

    /// <summary>The rate, or null when <paramref name="text"/> is not one (no slash, a count out of 1 to a million, a zero or bad period).</summary>
    public static Rate? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Split('/') is not [var countText, var perText])
        {
            return null;
        }

        perText = perText.Trim();

        // "10/s": a bare unit is one of it.
        if (perText.Length > 0 && perText.All(char.IsAsciiLetter))
        {
            perText = "1" + perText;
        }

        if (!int.TryParse(countText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > MaxCount
            || !perText.Any(char.IsAsciiLetter) // "10/5" would be seconds; say the unit
            || Durations.Parse(perText) is not { } per || per < TimeSpan.FromMilliseconds(1))
        {
            return null;
        }

        return new Rate(count, per);
    }

    /// <summary>The shortest form that parses back: <c>10/s</c>, <c>5/10s</c>, <c>3/1500ms</c>.</summary>
    public override string ToString()
    {
        var per = Durations.Format(Per);
        var unit = per.StartsWith('1') && per[1..].All(char.IsAsciiLetter) ? per[1..] : per;
        return Count.ToString(CultureInfo.InvariantCulture) + "/" + unit;
    }
}
