using System.Globalization;

namespace Slipway.Monitor;

/// <summary>
/// A Nagios threshold range <c>[@]start:end</c> (developer guidelines, "Threshold and ranges"): endpoints inclusive,
/// start 0 when omitted, <c>~</c> for minus infinity, an empty end for plus infinity. Without <c>@</c> a value alerts
/// when it lies outside the range, with <c>@</c> when it lies inside: <c>10</c> alerts below 0 or above 10, <c>10:</c>
/// below 10, <c>~:10</c> above 10, <c>10:20</c> outside 10..20, <c>@10:20</c> inside 10..20.
/// </summary>
public sealed record ThresholdRange(double Start, double End, bool AlertInside)
{
    /// <summary>The range as written.</summary>
    public string Text { get; init; } = "";

    public static ThresholdRange Parse(string text) =>
        TryParse(text, out var range, out var error) ? range : throw new FormatException(error);

    public static bool TryParse(string text, out ThresholdRange range, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        range = new ThresholdRange(0, double.PositiveInfinity, false);
        var body = text.Trim();
        var inside = body.StartsWith('@');
        if (inside)
        {
            body = body[1..];
        }

        if (body.Length == 0)
        {
            error = $"threshold range '{text}' is empty; write [@]start:end, e.g. 10, 10:, ~:10, 10:20 or @10:20";
            return false;
        }

        var colon = body.IndexOf(':', StringComparison.Ordinal);
        var startText = colon < 0 ? "" : body[..colon];
        var endText = colon < 0 ? body : body[(colon + 1)..];
        double start = 0;
        if (startText == "~")
        {
            start = double.NegativeInfinity;
        }
        else if (startText.Length > 0 && !TryNumber(startText, out start))
        {
            error = $"threshold range '{text}': start '{startText}' is not a number or ~";
            return false;
        }

        var end = double.PositiveInfinity;
        if (endText.Length > 0 && !TryNumber(endText, out end))
        {
            error = $"threshold range '{text}': end '{endText}' is not a number";
            return false;
        }

        if (start > end)
        {
            error = $"threshold range '{text}': start {startText} is greater than end {endText}";
            return false;
        }

        range = new ThresholdRange(start, end, inside) { Text = text.Trim() };
        error = "";
        return true;
    }

    /// <summary>Whether <paramref name="value"/> raises the alert this range stands for.</summary>
    public bool Alerts(double value)
    {
        var within = value >= Start && value <= End;
        return AlertInside ? within : !within;
    }

    public override string ToString() => Text;

    private static bool TryNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
            CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
