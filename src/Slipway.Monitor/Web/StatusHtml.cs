using System.Globalization;
using System.Text;
using Slipway.Core.Web;
using Slipway.Monitor.Plugins;
using Slipway.Monitor.Service;
using Slipway.Monitor.Storage;

namespace Slipway.Monitor.Web;

/// <summary>
/// The status pages as HTML: server-rendered, no script; every text a plugin or a host gave us is escaped. Pure: the
/// data comes in, a string goes out.
/// </summary>
public static class StatusHtml
{
    /// <summary>The style of this part's own elements (PartPage gives the frame's).</summary>
    private const string Style = """
        td.out{font-family:monospace;white-space:pre-wrap;word-break:break-all}
        .OK{color:#1b7f3b;font-weight:bold}.WARNING{color:#a15c00;font-weight:bold}.CRITICAL,.UNKNOWN{color:#b00020;font-weight:bold}
        .PENDING,.muted{color:#777}.stale{background:#ffe08a;padding:4px 8px}.perf{white-space:nowrap}
        .proc-bad{color:#b00020;font-weight:bold}svg.spark{vertical-align:middle;margin-left:4px}
        """;

    /// <summary>One check as the pages show it: its state record, its newest results (newest first) and the path to its page.</summary>
    public sealed record CheckView(CheckStateRecord State, IReadOnlyList<StoredResult> Recent);

    public static string Overview(
        MonitorStateFile? state, IReadOnlyList<CheckView> checks, IReadOnlyList<StageFacts>? stages, DateTimeOffset now, TimeSpan staleAfter,
        IReadOnlyList<WebLink> menu, string prefix)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var sb = new StringBuilder("<h1>Status</h1>");
        if (stages is not null)
        {
            AppendStages(sb, stages);
        }

        sb.Append("<h2>Checks</h2>");
        if (state is null)
        {
            sb.Append("<p class=\"stale\" id=\"no-state\">No check has run here yet: <code>slipway monitor serve</code> writes the states this page shows.</p>");
            return Layout("Status", sb.ToString(), menu);
        }

        var age = now - state.WrittenAt;
        sb.Append(CultureInfo.InvariantCulture, $"<p id=\"written\">States as of {state.WrittenAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC.</p>");
        if (age > staleAfter)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"<p class=\"stale\" id=\"stale\">These states are {Ago(age)} old: is <code>slipway monitor serve</code> running?</p>");
        }

        var counts = checks.GroupBy(c => c.State.State).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        sb.Append("<p id=\"summary\">");
        foreach (var s in new[] { "CRITICAL", "UNKNOWN", "WARNING", "OK", "PENDING" })
        {
            if (counts.TryGetValue(s, out var n))
            {
                sb.Append(CultureInfo.InvariantCulture, $"<span class=\"{s}\">{n} {s}</span> ");
            }
        }

        sb.Append("</p><table id=\"checks\"><thead><tr><th>Check</th><th>Host</th><th>State</th><th>Last check</th><th>Output</th><th>Perfdata</th></tr></thead><tbody>");
        foreach (var c in checks.OrderBy(c => Rank(c.State)).ThenBy(c => c.State.Id, StringComparer.Ordinal))
        {
            var s = c.State;
            var (name, host) = Split(s.Id);
            sb.Append(CultureInfo.InvariantCulture, $"<tr data-check=\"{Html.Encode(s.Id)}\" data-state=\"{Html.Encode(s.State)}\">")
                .Append(CultureInfo.InvariantCulture, $"<td><a href=\"{Html.Encode(prefix)}/check?id={Uri.EscapeDataString(s.Id)}\">{Html.Encode(name)}</a></td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{Html.Encode(host)}</td><td>{StateCell(s)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{(s.LastCheck is { } at ? Ago(now - at) + " ago" : "-")}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"out\">{Html.Encode(s.Output)}</td><td class=\"perf\">");
            AppendPerf(sb, c.Recent, 120, 24);
            sb.Append("</td></tr>");
        }

        sb.Append("</tbody></table>");
        if (checks.Count == 0)
        {
            sb.Append("<p class=\"muted\">No checks in the state file.</p>");
        }

        return Layout("Status", sb.ToString(), menu, refresh: true);
    }

    /// <summary>One check: its state, then a graph per perfdata label and its newest results.</summary>
    public static string Check(CheckView check, DateTimeOffset now, IReadOnlyList<WebLink> menu, string prefix)
    {
        ArgumentNullException.ThrowIfNull(check);
        var s = check.State;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{Html.Encode(prefix)}\">← all checks</a></p><h1 id=\"check\">{Html.Encode(s.Id)}</h1>")
            .Append(CultureInfo.InvariantCulture, $"<p id=\"state\">{StateCell(s)}")
            .Append(s.LastStateChange is { } changed ? $", since {changed.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC" : "")
            .Append(s.LastCheck is { } at ? $"; last checked {Ago(now - at)} ago" : "")
            .Append(s.NextCheck is { } next ? $", next at {next.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} UTC" : "")
            .Append(CultureInfo.InvariantCulture, $"</p><pre id=\"output\">{Html.Encode(s.Output)}</pre>");
        sb.Append("<h2>Perfdata</h2><div id=\"graphs\">");
        AppendPerf(sb, check.Recent, 600, 80, block: true);
        sb.Append("</div><h2>Recent results</h2><table id=\"results\"><thead><tr><th>At</th><th>State</th><th>Duration</th><th>Output</th><th>Perfdata</th></tr></thead><tbody>");
        foreach (var r in check.Recent.Take(50))
        {
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{r.At.UtcDateTime:yyyy-MM-dd HH:mm:ss}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"{r.State.Label()}\">{r.State.Label()} {(r.Hard ? "HARD" : "SOFT")}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{r.Duration.TotalMilliseconds:0} ms</td><td class=\"out\">{Html.Encode(r.Output)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"out\">{Html.Encode(r.PerfData)}</td></tr>");
        }

        sb.Append("</tbody></table>");
        return Layout(s.Id, sb.ToString(), menu, refresh: true);
    }

    private static void AppendStages(StringBuilder sb, IReadOnlyList<StageFacts> stages)
    {
        sb.Append("<h2>Stages</h2><table id=\"stages\"><thead><tr><th>Stage</th><th>Live release</th><th>Since</th><th>Processes</th></tr></thead><tbody>");
        foreach (var st in stages)
        {
            var commit = st.Commit is { } c ? $" <code>{Html.Encode(c[..Math.Min(7, c.Length)])}</code>" : "";
            sb.Append(CultureInfo.InvariantCulture, $"<tr data-stage=\"{Html.Encode(st.Stage)}\"><td>{Html.Encode(st.Stage)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"release\">{(st.Release is null ? "<span class=\"muted\">none deployed</span>" : Html.Encode(st.Release) + commit)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{(st.LiveSince is { } since ? since.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "")}")
                .Append(st.DeployedBy is { } by ? " by " + Html.Encode(by) : "").Append("</td><td class=\"processes\">");
            foreach (var p in st.Processes)
            {
                var bad = p.State is not ("RUNNING" or "STARTING");
                sb.Append(CultureInfo.InvariantCulture, $"<span class=\"{(bad ? "proc-bad" : "OK")}\">{Html.Encode(p.Host)}: {Html.Encode(p.Name)} {Html.Encode(p.State)}</span>")
                    .Append(p.Detail is { } d ? " <span class=\"muted\">" + Html.Encode(d) + "</span>" : "").Append("<br>");
            }

            if (st.Note is { } note)
            {
                sb.Append("<span class=\"muted\">").Append(Html.Encode(note)).Append("</span>");
            }

            sb.Append("</td></tr>");
        }

        sb.Append("</tbody></table>");
    }

    /// <summary>The newest value of each perfdata label with a graph of its recent values.</summary>
    private static void AppendPerf(StringBuilder sb, IReadOnlyList<StoredResult> recent, int width, int height, bool block = false)
    {
        if (recent.Count == 0)
        {
            return;
        }

        var series = new Dictionary<string, List<(DateTimeOffset, double)>>(StringComparer.Ordinal);
        var latest = new Dictionary<string, PerfDatum>(StringComparer.Ordinal);
        foreach (var r in recent.OrderBy(r => r.At))
        {
            foreach (var d in PerfDataParser.Parse(r.PerfData).Data)
            {
                latest[d.Label] = d;
                if (d.Value is { } v)
                {
                    (series.TryGetValue(d.Label, out var list) ? list : series[d.Label] = []).Add((r.At, v));
                }
            }
        }

        foreach (var (label, d) in latest)
        {
            var value = d.Value is { } v ? v.ToString("0.######", CultureInfo.InvariantCulture) + d.Unit : "U";
            sb.Append(block ? "<div class=\"graph\">" : "<span class=\"datum\">")
                .Append(CultureInfo.InvariantCulture, $"{Html.Encode(label)}={Html.Encode(value)}");
            if (series.TryGetValue(label, out var points))
            {
                var min = points.Min(p => p.Item2).ToString("0.######", CultureInfo.InvariantCulture);
                var max = points.Max(p => p.Item2).ToString("0.######", CultureInfo.InvariantCulture);
                sb.Append(Sparkline.Svg(points, $"{label}: {points.Count} results, min {min}{d.Unit}, max {max}{d.Unit}", width, height));
            }

            sb.Append(block ? "</div>" : "</span> ");
        }
    }

    private static string StateCell(CheckStateRecord s)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<span class=\"{Html.Encode(s.State)}\">{Html.Encode(s.State)}</span>");
        if (s.State != "PENDING")
        {
            sb.Append(' ').Append(Html.Encode(s.StateType));
            if (s.StateType == "SOFT")
            {
                sb.Append(CultureInfo.InvariantCulture, $" (attempt {s.Attempt})");
            }
        }

        foreach (var (on, word) in new[] { (s.Acknowledged, "acknowledged"), (s.InDowntime, "in downtime"), (s.Flapping, "flapping") })
        {
            if (on)
            {
                sb.Append(" <span class=\"muted\">").Append(word).Append("</span>");
            }
        }

        return sb.ToString();
    }

    /// <summary>Problems first (CRITICAL, UNKNOWN, WARNING), then pending, then OK.</summary>
    private static int Rank(CheckStateRecord s) => s.State switch
    {
        "CRITICAL" => 0,
        "UNKNOWN" => 1,
        "WARNING" => 2,
        "PENDING" => 3,
        _ => 4,
    };

    private static (string Name, string Host) Split(string id)
    {
        var at = id.LastIndexOf('@');
        return at < 0 ? (id, "") : (id[..at], id[(at + 1)..]);
    }

    private static string Ago(TimeSpan t) =>
        t < TimeSpan.Zero ? "0s" : t.TotalDays >= 1 ? $"{(int)t.TotalDays}d" : t.TotalHours >= 1 ? $"{(int)t.TotalHours}h"
            : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m" : $"{(int)t.TotalSeconds}s";

    private static string Layout(string title, string body, IReadOnlyList<WebLink> menu, bool refresh = false) =>
        PartPage.Layout(title, body, menu, Style, refresh);
}
