using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Slipway.Core;
using Slipway.Logs.Model;
using Slipway.Logs.Releases;
using Slipway.Logs.Storage;

namespace Slipway.Logs.Web;

/// <summary>Server-rendered HTML: no scripts, no build step; every filter is a GET parameter.</summary>
internal static class Pages
{
    private const string Style = """
        body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222}
        header{background:#1d3557;color:#fff;padding:8px 16px}header a{color:#fff;margin-right:16px}
        main{padding:12px 16px}form.filters input,form.filters select{margin-right:8px}
        table{border-collapse:collapse;width:100%;margin-top:10px}td,th{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
        td.msg{font-family:monospace;white-space:pre-wrap;word-break:break-all}
        .sev0,.sev1,.sev2,.sev3{color:#b00020;font-weight:bold}.sev4{color:#a15c00}.sev7{color:#888}
        .bar{background:#457b9d;height:12px;display:inline-block}pre{background:#f4f4f4;padding:8px;overflow:auto}
        .muted{color:#777}.new{background:#ffe08a;padding:0 4px}.ctl{color:#b00020;background:#fde8ec}
        """;

    private static readonly HtmlEncoder Enc = HtmlEncoder.Default;

    private static string H(string? text) => Enc.Encode(text ?? "");

    private static string Layout(string title, string body, bool refresh = false, IReadOnlyList<Slipway.Core.Web.WebLink>? menu = null) => $"""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>{H(title)} · Slipway logs</title>
        {(refresh ? "<meta http-equiv=\"refresh\" content=\"5\">" : "")}
        <style>{Style}</style></head>
        <body><header><a href="/"><b>Slipway logs</b></a>{Links(menu)}</header>
        <main>{body}</main></body></html>
        """;

    private static string Links(IReadOnlyList<Slipway.Core.Web.WebLink>? menu) =>
        string.Concat((menu ?? [new("/", "Events"), new("/groups", "Traceback groups"), new("/metrics", "Metrics")])
            .Select(l => $"<a href=\"{H(l.Href)}\">{H(l.Title)}</a>"));

    public static string Login(string? next, bool error, TimeSpan? retryAfter = null)
    {
        var problem = retryAfter is { } wait
            ? $"<p class=\"sev3\" id=\"login-error\">Too many wrong log-ins from your address: try again in {Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture)} s.</p>"
            : error ? "<p class=\"sev3\" id=\"login-error\">Wrong user, password or token.</p>" : "";
        return Layout("Log in", $"""
            <h1>Log in</h1>
            {problem}
            <form method="post" action="/login"><input type="hidden" name="next" value="{H(next ?? "/")}">
            <label>User <input name="user" id="user" autocomplete="username" placeholder="blank for the token"></label>
            <label>Password or token <input type="password" name="token" id="token" autocomplete="current-password" autofocus></label>
            <button type="submit">Log in</button></form>
            """);
    }

    public static async Task<string> EventsAsync(WebContext context, BrowseQuery view, CancellationToken ct)
    {
        var events = await context.Store.QueryAsync(view.Query, ct);
        var metrics = context.Pipeline.Metrics;
        var sb = new StringBuilder();
        sb.Append("<form class=\"filters\" method=\"get\" action=\"/\">")
            .Append(Select("since", view.Since, [("", "any time"), ("15m", "last 15 min"), ("1h", "last hour"), ("24h", "last 24 h"), ("7d", "last 7 days"), ("31d", "last 31 days")]))
            .Append(Input("host", view.Host, "host"))
            .Append(Input("program", view.Program, "program"))
            .Append(Select("severity", view.Severity, [("", "any severity"), .. Enumerable.Range(0, 8).Select(i => (SyslogNames.SeverityName(i), SyslogNames.SeverityName(i) + " and worse"))]))
            .Append(Select("facility", view.Facility, [("", "any facility"), .. Enumerable.Range(0, 24).Select(i => (SyslogNames.FacilityName(i), SyslogNames.FacilityName(i)))]))
            .Append(Input("q", view.Text, "text"))
            .Append(Input("release", view.Release, "release"))
            .Append("<button type=\"submit\" id=\"apply\">Filter</button> ")
            .Append(view.Tail ? $"<a href=\"{H(view.With("tail", null))}\">stop live tail</a>" : $"<a href=\"{H(view.With("tail", "1"))}\">live tail</a>")
            .Append("</form>");
        if (view.Release.Length > 0)
        {
            sb.Append(view.ReleaseWindow is { } w
                ? string.Create(CultureInfo.InvariantCulture, $"<p id=\"release-window\">Release <b>{H(view.Release)}</b> on {H(w.From.Stage)}: live from {w.From.Finished.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC {(w.Until is { } u ? $"until {u.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC" : "until now")}.</p>")
                : $"<p id=\"release-window\" class=\"sev4\">Release <b>{H(view.Release)}</b> was never live according to the deploy history.</p>");
        }

        if (metrics.DroppedUdp > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<p class=\"sev4\">{metrics.DroppedUdp} UDP messages were dropped because the queue was full.</p>");
        }

        sb.Append("<table id=\"events\"><thead><tr><th>Received</th><th>Host</th><th>Program</th><th>Severity</th><th>Facility</th><th>Message</th></tr></thead><tbody>");
        foreach (var stored in events)
        {
            var e = stored.Event;
            sb.Append(CultureInfo.InvariantCulture, $"<tr data-id=\"{stored.Id}\"><td>{e.ReceivedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td><a href=\"{H(view.With("host", e.Host))}\">{H(e.Host)}</a></td>")
                .Append(CultureInfo.InvariantCulture, $"<td><a href=\"{H(view.With("program", e.Program))}\">{H(e.Program)}</a>{(e.ProcId.Length > 0 ? "[" + H(e.ProcId) + "]" : "")}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"sev{e.Severity}\">{SyslogNames.SeverityName(e.Severity)}</td><td>{SyslogNames.FacilityName(e.Facility)}</td>")
                .Append("<td class=\"msg\">");
            if (e.Fingerprint is { } fp)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<a class=\"group\" href=\"/groups/{H(fp)}\">traceback group {H(fp)}</a>\n");
            }

            if (e.Flags.HasFlag(EventMarks.ParseError))
            {
                sb.Append("<span class=\"muted\">[unparsed]</span> ");
            }

            sb.Append(MessageHtml.Render(e.Message)).Append("</td></tr>");
        }

        sb.Append("</tbody></table>");
        if (events.Count == 0)
        {
            sb.Append("<p class=\"muted\" id=\"empty\">No events match.</p>");
        }
        else if (events.Count >= BrowseQuery.PageSize)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<p><a id=\"older\" href=\"{H(view.With("before", events[^1].Id.ToString(CultureInfo.InvariantCulture)))}\">Older events →</a></p>");
        }

        return Layout("Events", sb.ToString(), refresh: view.Tail && view.Before is null, WebHost.Menu(context));
    }

    public static async Task<string> GroupsAsync(WebContext context, string? since, CancellationToken ct)
    {
        var span = Durations.TryParse(since, out var s) ? s : TimeSpan.FromHours(24);
        var now = context.Clock.GetUtcNow();
        var groups = await context.Store.TopGroupsAsync(now - span, now, 100, ct);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<h1>Traceback groups, last {Durations.Format(span)}</h1>");
        sb.Append("<table id=\"groups\"><thead><tr><th>Count</th><th>Before</th><th>Hosts</th><th>Group</th><th>First seen</th><th>Last seen</th></tr></thead><tbody>");
        foreach (var g in groups)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{g.CountInWindow}</td><td>{g.CountPreviousWindow}</td><td>{g.HostCount}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td><a href=\"/groups/{H(g.Fingerprint)}\">{H(g.Title)}</a></td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{g.FirstSeen.UtcDateTime:yyyy-MM-dd HH:mm}</td><td>{g.LastSeen.UtcDateTime:yyyy-MM-dd HH:mm}</td></tr>");
        }

        sb.Append("</tbody></table>");
        if (groups.Count == 0)
        {
            sb.Append("<p class=\"muted\">No tracebacks in this period.</p>");
        }

        return Layout("Traceback groups", sb.ToString(), menu: WebHost.Menu(context));
    }

    public static async Task<string?> GroupAsync(WebContext context, string fingerprint, CancellationToken ct)
    {
        var g = await context.Store.GetGroupAsync(fingerprint, ct);
        if (g is null)
        {
            return null;
        }

        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<h1 id=\"title\">{H(g.Title)}</h1>")
            .Append(CultureInfo.InvariantCulture, $"<p>Group <code>{H(g.Fingerprint)}</code>: <b id=\"total\">{g.TotalCount}</b> occurrences, ")
            .Append(CultureInfo.InvariantCulture, $"first seen {g.FirstSeen.UtcDateTime:yyyy-MM-dd HH:mm} UTC, last seen {g.LastSeen.UtcDateTime:yyyy-MM-dd HH:mm} UTC. ")
            .Append("</p>");
        var timeline = DeployTimeline.Load(context.Options.DeployHistory);
        AppendFirstAppeared(sb, timeline, g.FirstSeen);
        var standing = GroupStanding.Of(timeline, await context.Store.GroupHostHoursAsync(fingerprint, ct),
            await context.Store.FirstOccurrenceAsync(fingerprint, g.FirstSeen, ct), g.FirstSeen, g.FirstSeen);
        if (standing.SeenOn.Count > 0)
        {
            sb.Append("<h2>Seen on releases</h2><ul id=\"releases\">");
            foreach (var m in standing.SeenOn)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<li>{H(m.Stage)}: <a href=\"/?release={H(m.Release ?? "")}\">{H(m.Release ?? "?")}</a> ({H(m.Describe())})</li>");
            }

            sb.Append("</ul>");
        }

        sb.Append("<h2>Hosts</h2><ul id=\"hosts\">");
        foreach (var h in g.Hosts)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<li>{H(h.Host)}: {h.Count}</li>");
        }

        sb.Append("</ul>");
        AppendTimeline(sb, g.Hours.TakeLast(72).ToList(), timeline);
        sb.Append("</table><h2>Example</h2><pre id=\"example\">").Append(MessageHtml.Render(g.Example)).Append("</pre>");
        return Layout(g.Title, sb.ToString(), menu: WebHost.Menu(context));
    }

    /// <summary>
    /// Occurrences per hour with deploy markers: a row per hour with occurrences, and a marker row for each deploy or
    /// rollback between the first and the last of those hours (so a jump after a deploy is seen next to it).
    /// </summary>
    private static void AppendTimeline(StringBuilder sb, List<HourCount> hours, DeployTimeline timeline)
    {
        sb.Append("<h2>Count per hour</h2><table id=\"hours\">");
        if (hours.Count == 0)
        {
            return;
        }

        var max = hours.Max(h => h.Count);
        var marks = timeline.Between(hours[0].Hour, hours[^1].Hour.AddHours(1));
        var rows = hours.Select(h => (At: h.Hour, Hour: (HourCount?)h, Mark: (DeployMark?)null))
            .Concat(marks.Select(m => (At: m.Finished, Hour: (HourCount?)null, Mark: (DeployMark?)m)))
            .OrderBy(r => r.At);
        foreach (var (_, hour, mark) in rows)
        {
            if (hour is not null)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{hour.Hour.UtcDateTime:yyyy-MM-dd HH}:00</td><td>{hour.Count}</td>")
                    .Append(CultureInfo.InvariantCulture, $"<td><span class=\"bar\" style=\"width:{Math.Max(2, 300 * hour.Count / max)}px\"></span></td></tr>");
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"<tr class=\"deploy\"><td>{mark!.Finished.UtcDateTime:yyyy-MM-dd HH:mm}</td><td>&#9650;</td>")
                    .Append(CultureInfo.InvariantCulture, $"<td>{H(mark.Stage)}: {H(mark.Describe())}</td></tr>");
            }
        }
    }

    /// <summary>What every stage was running when the group first appeared, newest deploy first; nothing without a history.</summary>
    private static void AppendFirstAppeared(StringBuilder sb, DeployTimeline timeline, DateTimeOffset firstSeen)
    {
        var live = timeline.LiveAt(firstSeen);
        if (timeline.Marks.Count == 0)
        {
            return;
        }

        sb.Append("<h2>First appeared in</h2><ul id=\"first-release\">");
        if (live.Count == 0)
        {
            sb.Append("<li>before the first deploy in the history</li>");
        }

        foreach (var m in live.OrderByDescending(m => m.Finished))
        {
            var commit = m.Commit is null ? "" : $", commit <code>{H(m.Commit[..Math.Min(7, m.Commit.Length)])}</code>";
            var how = m.Action == "rollback" ? "rolled back to" : "deployed";
            sb.Append(CultureInfo.InvariantCulture,
                $"<li>{H(m.Stage)}: release <b>{H(m.Release ?? "?")}</b>{commit} ({how} {m.Finished.UtcDateTime:yyyy-MM-dd HH:mm} UTC by {H(m.User)}, {Ago(firstSeen - m.Finished)} before)</li>");
        }

        sb.Append("</ul>");
    }

    private static string Ago(TimeSpan t) =>
        t.TotalDays >= 1 ? $"{(int)t.TotalDays}d" : t.TotalHours >= 1 ? $"{(int)t.TotalHours}h" : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m" : $"{(int)t.TotalSeconds}s";

    private static string Input(string name, string value, string placeholder) =>
        $"<input name=\"{name}\" id=\"f-{name}\" value=\"{H(value)}\" placeholder=\"{placeholder}\" size=\"12\">";

    private static string Select(string name, string value, IEnumerable<(string Value, string Label)> options)
    {
        var sb = new StringBuilder($"<select name=\"{name}\" id=\"f-{name}\">");
        foreach (var (v, label) in options)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<option value=\"{H(v)}\"{(string.Equals(v, value, StringComparison.OrdinalIgnoreCase) ? " selected" : "")}>{H(label)}</option>");
        }

        return sb.Append("</select>").ToString();
    }
}
