using System.Globalization;
using System.Text;

namespace Slipway.Monitor.Plugins;

/// <summary>
/// Parses a perfdata text, <c>'label'=value[UOM];[warn];[crit];[min];[max]</c> pairs separated by spaces. Labels are
/// quoted when they hold spaces, with <c>''</c> for a quote; the value may be <c>U</c>; trailing semicolons may be
/// missing. Pairs that break the grammar are returned verbatim in <see cref="Parsed.Unparsed"/>, never dropped.
/// </summary>
public static class PerfDataParser
{
    public sealed record Parsed(IReadOnlyList<PerfDatum> Data, IReadOnlyList<string> Unparsed);

    public static Parsed Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var data = new List<PerfDatum>();
        var unparsed = new List<string>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i >= text.Length)
            {
                break;
            }

            var start = i;
            var datum = TryReadPair(text, ref i);
            if (datum is null)
            {
                // Skip to the next space outside quotes so one bad pair costs only itself.
                i = SkipToken(text, start);
                unparsed.Add(text[start..i]);
            }
            else
            {
                data.Add(datum);
            }
        }

        return new Parsed(data, unparsed);
    }

    private static PerfDatum? TryReadPair(string text, ref int i)
    {
        var label = ReadLabel(text, ref i);
        if (label is null || label.Length == 0 || i >= text.Length || text[i] != '=')
        {
            return null;
        }

        i++;
        var valueStart = i;
        while (i < text.Length && !char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return ParseFields(label, text[valueStart..i]);
    }

    /// <summary>A quoted label ('' is a quote) or a bare one up to '='; null when it is malformed.</summary>
    private static string? ReadLabel(string text, ref int i)
    {
        if (text[i] != '\'')
        {
            var start = i;
            while (i < text.Length && text[i] != '=' && !char.IsWhiteSpace(text[i]) && text[i] != '\'')
            {
                i++;
            }

            return text[start..i];
        }

        var label = new StringBuilder();
        i++;
        while (i < text.Length)
        {
            if (text[i] == '\'')
            {
                if (i + 1 < text.Length && text[i + 1] == '\'')
                {
                    label.Append('\'');
                    i += 2;
                    continue;
                }

                i++;
                return label.ToString();
            }

            label.Append(text[i]);
            i++;
        }

        return null; // no closing quote
    }

    private static PerfDatum? ParseFields(string label, string fields)
    {
        var parts = fields.Split(';');
        if (parts.Length > 5 || !TryValue(parts[0], out var value, out var unit))
        {
            return null;
        }

        string? Field(int n) => n < parts.Length && parts[n].Length > 0 ? parts[n] : null;
        var warn = Field(1);
        var crit = Field(2);
        if (!IsRangeOrEmpty(warn) || !IsRangeOrEmpty(crit)
            || !TryOptionalNumber(Field(3), out var min) || !TryOptionalNumber(Field(4), out var max))
        {
            return null;
        }

        return new PerfDatum(label, value, unit, warn, crit, min, max);
    }

    private static bool TryValue(string text, out double? value, out string unit)
    {
        value = null;
        unit = "";
        if (text == "U")
        {
            return true;
        }

        var end = 0;
        while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] is '-' or '+' or '.' or 'e' or 'E'))
        {
            // An exponent only counts when a digit follows; otherwise 'e' starts no unit we know anyway.
            end++;
        }

        unit = text[end..];
        if (!PerfDatum.Units.Contains(unit) || !TryNumber(text[..end], out var number))
        {
            return false;
        }

        value = number;
        return true;
    }

    private static bool IsRangeOrEmpty(string? text) => text is null || ThresholdRange.TryParse(text, out _, out _);

    private static bool TryOptionalNumber(string? text, out double? value)
    {
        value = null;
        if (text is null)
        {
            return true;
        }

        if (!TryNumber(text, out var number))
        {
            return false;
        }

        value = number;
        return true;
    }

    internal static bool TryNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
            CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static int SkipToken(string text, int i)
    {
        var quoted = false;
        while (i < text.Length && (quoted || !char.IsWhiteSpace(text[i])))
        {
            if (text[i] == '\'')
            {
                quoted = !quoted;
            }

            i++;
        }

        return i;
    }
}
