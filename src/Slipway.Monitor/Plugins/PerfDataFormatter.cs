using System.Globalization;

namespace Slipway.Monitor.Plugins;

/// <summary>Writes perfdata as plugins do, so built-in checks and parsed plugin data print the same way.</summary>
public static class PerfDataFormatter
{
    public static string Format(PerfDatum datum)
    {
        ArgumentNullException.ThrowIfNull(datum);
        var label = datum.Label.AsSpan().IndexOfAny(" ='") >= 0 || datum.Label.Length == 0
            ? "'" + datum.Label.Replace("'", "''", StringComparison.Ordinal) + "'"
            : datum.Label;
        string[] fields =
        [
            datum.Value is { } value ? Number(value) + datum.Unit : "U",
            datum.Warn ?? "",
            datum.Crit ?? "",
            datum.Min is { } min ? Number(min) : "",
            datum.Max is { } max ? Number(max) : "",
        ];
        var used = fields.Length;
        while (used > 1 && fields[used - 1].Length == 0)
        {
            used--;
        }

        return label + "=" + string.Join(';', fields, 0, used);
    }

    public static string Format(IEnumerable<PerfDatum> data) => string.Join(' ', data.Select(Format));

    private static string Number(double value) => value.ToString("0.#########", CultureInfo.InvariantCulture);
}
