using System.Globalization;

namespace Slipway.Core.Config.Internal;

/// <summary>Sizes as people write them: <c>2G</c>, <c>500M</c>, <c>1.5GB</c>, <c>10GiB</c>, or plain bytes. Binary units. Pure.</summary>
internal static class SizeParser
{
    public static long? Parse(string text)
    {
        var s = text.Trim().ToUpperInvariant();
        if (s.EndsWith("IB", StringComparison.Ordinal))
        {
            s = s[..^2];
        }
        else if (s.EndsWith('B'))
        {
            s = s[..^1];
        }

        var multiplier = 1L;
        if (s.Length > 0 && "KMGT".Contains(s[^1], StringComparison.Ordinal))
        {
            multiplier = 1L << (10 * ("KMGT".IndexOf(s[^1], StringComparison.Ordinal) + 1));
            s = s[..^1].TrimEnd();
        }

        if (!decimal.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number <= 0)
        {
            return null;
        }

        // 8 EiB is far beyond any disk; anything larger is a typo, not a requirement.
        var bytes = number * multiplier;
        return bytes > long.MaxValue / 2 ? null : (long)Math.Ceiling(bytes);
    }
}
