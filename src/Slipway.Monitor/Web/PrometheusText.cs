using System.Globalization;
using System.Text;
using Slipway.Monitor.Service;

namespace Slipway.Monitor.Web;

/// <summary>
/// Every check's state and its latest perfdata in the Prometheus text exposition format (version 0.0.4). A check
/// <c>NAME@HOST</c> is labelled <c>check="NAME",host="HOST"</c>; perfdata values are converted to base units and go
/// to one family per unit (docs/monitor.md, "Prometheus"). Pure.
/// </summary>
public static class PrometheusText
{
    /// <summary>One check: its state record and the perfdata of its latest result ("" when none is stored).</summary>
    public sealed record CheckSample(CheckStateRecord State, string PerfData);

    private sealed record Family(string Name, string Type, string Help)
    {
        public List<string> Samples { get; } = [];
    }

    public static string Render(IReadOnlyList<CheckSample> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var state = new Family("slipway_check_state", "gauge",
            "Check state as the plugin exit code: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (checks still PENDING are left out).");
        var hard = new Family("slipway_check_hard", "gauge", "1 when the state is HARD (confirmed), 0 while SOFT.");
        var ack = new Family("slipway_check_acknowledged", "gauge", "1 when the problem is acknowledged.");
        var downtime = new Family("slipway_check_in_downtime", "gauge", "1 while the check is in downtime.");
        var flapping = new Family("slipway_check_flapping", "gauge", "1 while the check is flapping.");
        var last = new Family("slipway_check_last_check_timestamp_seconds", "gauge", "When the check last ran (Unix time).");
        var perf = new Dictionary<string, Family>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in checks.OrderBy(c => c.State.Id, StringComparer.Ordinal))
        {
            var labels = CheckLabels(c.State.Id);
            if (c.State.State != "PENDING")
            {
                state.Samples.Add(Sample(state.Name, labels, StateCode(c.State.State)));
                hard.Samples.Add(Sample(hard.Name, labels, c.State.StateType == "HARD" ? 1 : 0));
            }

            ack.Samples.Add(Sample(ack.Name, labels, c.State.Acknowledged ? 1 : 0));
            downtime.Samples.Add(Sample(downtime.Name, labels, c.State.InDowntime ? 1 : 0));
            flapping.Samples.Add(Sample(flapping.Name, labels, c.State.Flapping ? 1 : 0));
            if (c.State.LastCheck is { } at)
            {
                last.Samples.Add(Sample(last.Name, labels, at.ToUnixTimeMilliseconds() / 1000.0));
            }

            foreach (var datum in Plugins.PerfDataParser.Parse(c.PerfData).Data)
            {
                if (datum.Value is not { } value || BaseUnit(datum.Unit) is not var (suffix, type, factor, help))
                {
                    continue;
                }

                var name = "slipway_perfdata" + suffix;
                var series = $"{labels},label=\"{Escape(datum.Label)}\"";
                if (!seen.Add(name + "{" + series))
                {
                    continue; // the same label twice in one output: the exposition format allows one sample per series
                }

                if (!perf.TryGetValue(name, out var family))
                {
                    perf[name] = family = new Family(name, type, help);
                }

                family.Samples.Add(Sample(name, series, value * factor));
            }
        }

        var sb = new StringBuilder();
        foreach (var family in new[] { state, hard, ack, downtime, flapping, last }.Concat(perf.Values.OrderBy(f => f.Name, StringComparer.Ordinal)))
        {
            sb.Append("# HELP ").Append(family.Name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n')
                .Append("# TYPE ").Append(family.Name).Append(' ').Append(family.Type).Append('\n');
            foreach (var line in family.Samples)
            {
                sb.Append(line).Append('\n');
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// The family suffix, type, factor to the base unit and help of a plugin unit: time in seconds, sizes in bytes
    /// (KB = 1024 B, as check_disk and the graphers count), percent as a ratio 0..1, <c>c</c> a counter; null for none.
    /// </summary>
    internal static (string Suffix, string Type, double Factor, string Help)? BaseUnit(string unit) => unit switch
    {
        "" => ("", "gauge", 1, "Perfdata without a unit, as the plugin reported it."),
        "s" => ("_seconds", "gauge", 1, "Perfdata in seconds (s, ms and us converted)."),
        "ms" => ("_seconds", "gauge", 1e-3, "Perfdata in seconds (s, ms and us converted)."),
        "us" => ("_seconds", "gauge", 1e-6, "Perfdata in seconds (s, ms and us converted)."),
        "B" => ("_bytes", "gauge", 1, "Perfdata in bytes (KB, MB, GB, TB converted with 1024)."),
        "KB" => ("_bytes", "gauge", 1024, "Perfdata in bytes (KB, MB, GB, TB converted with 1024)."),
        "MB" => ("_bytes", "gauge", 1024.0 * 1024, "Perfdata in bytes (KB, MB, GB, TB converted with 1024)."),
        "GB" => ("_bytes", "gauge", 1024.0 * 1024 * 1024, "Perfdata in bytes (KB, MB, GB, TB converted with 1024)."),
        "TB" => ("_bytes", "gauge", 1024.0 * 1024 * 1024 * 1024, "Perfdata in bytes (KB, MB, GB, TB converted with 1024)."),
        "%" => ("_ratio", "gauge", 0.01, "Perfdata in percent, as a ratio (50% is 0.5)."),
        "c" => ("_total", "counter", 1, "Perfdata counters (unit c), as the plugin reported them."),
        _ => null,
    };

    /// <summary>A label value with <c>\</c>, <c>"</c> and line feeds escaped, as the exposition format requires.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal);
    }

    private static string EscapeHelp(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string CheckLabels(string id)
    {
        var at = id.LastIndexOf('@');
        return at < 0 ? $"check=\"{Escape(id)}\",host=\"\"" : $"check=\"{Escape(id[..at])}\",host=\"{Escape(id[(at + 1)..])}\"";
    }

    private static int StateCode(string state) => state switch
    {
        "OK" => 0,
        "WARNING" => 1,
        "CRITICAL" => 2,
        _ => 3,
    };

    private static string Sample(string name, string labels, double value) =>
        $"{name}{{{labels}}} {Number(value)}";

    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN"
            : value.ToString("R", CultureInfo.InvariantCulture);
}
