using System.Globalization;

namespace Slipway.Deploy.Model;

/// <summary>Release directory names as Capistrano makes them: the UTC time of the deploy, <c>yyyyMMddHHmmss</c>.</summary>
public static class ReleaseName
{
    public const string Format = "yyyyMMddHHmmss";

    /// <summary>Only names of exactly 14 digits are releases; anything else under releases/ is left alone.</summary>
    public static bool IsValid(string? name) => name is { Length: 14 } && name.All(char.IsAsciiDigit);

    public static string For(DateTimeOffset time) => time.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>
    /// The name for a release made at <paramref name="now"/>: its UTC time, or one second after the newest existing
    /// release when that is not older (two deploys in one second, or a host clock ahead), so names never collide and
    /// always sort in deploy order.
    /// </summary>
    public static string Next(DateTimeOffset now, IEnumerable<string> existing)
    {
        ArgumentNullException.ThrowIfNull(existing);
        var candidate = For(now);
        var newest = existing.Where(IsValid).DefaultIfEmpty().Max(StringComparer.Ordinal);
        if (newest is not null && string.CompareOrdinal(candidate, newest) <= 0)
        {
            var time = DateTime.ParseExact(newest, Format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
            candidate = For(new DateTimeOffset(time.AddSeconds(1), TimeSpan.Zero));
        }

        return candidate;
    }
}
