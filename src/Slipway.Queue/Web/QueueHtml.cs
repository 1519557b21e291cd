using System.Globalization;
using System.Net;
using System.Text;
using Slipway.Core;
using Slipway.Core.Web;

namespace Slipway.Queue.Web;

/// <summary>The queue pages' HTML. Every value from the store (names, errors, output, payloads) is encoded: it is the app's text.</summary>
internal static class QueueHtml
{
    /// <summary>The style of this part's own elements (PartPage gives the frame's).</summary>
    private const string Style = """
        td.num,th.num{text-align:right}pre{margin:0;white-space:pre-wrap;word-break:break-all;max-height:20em;overflow:auto}
        .bad{color:#b00020;font-weight:bold}.muted{color:#777}.note{background:#e6f4ea;padding:4px 8px}
        .problem{background:#ffe08a;padding:4px 8px}form{display:inline}button{margin:0 4px 4px 0}
        """;

    /// <summary>One queue as the overview shows it.</summary>
    public sealed record QueueRow(QueueStats Stats, double? PerMinute, int? Limit, Rate? Rate);

    public static string Overview(IReadOnlyList<QueueRow> rows, string shownUrl, IReadOnlyList<WebLink> menu, string prefix)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<h2>Queues</h2><p class=\"muted\">store {E(shownUrl)}; finished per minute is measured between looks at this page (it reloads every 30 s)</p>");
        if (rows.Count == 0)
        {
            sb.Append("<p id=\"empty\">No jobs in any queue.</p>");
        }

        sb.Append("<table id=\"queues\"><thead><tr><th>Queue</th><th class=\"num\">Ready</th><th class=\"num\">Scheduled</th><th class=\"num\">Running</th>")
            .Append("<th class=\"num\">Succeeded</th><th class=\"num\">Dead</th><th class=\"num\">Oldest waiting</th><th class=\"num\">Finished/min</th><th>Limits</th></tr></thead><tbody>");
        foreach (var row in rows)
        {
            var s = row.Stats;
            var dead = s.Dead > 0
                ? $"<a class=\"bad\" href=\"{E(prefix)}/dead?queue={E(Uri.EscapeDataString(s.Queue))}\">{s.Dead}</a>"
                : $"<a href=\"{E(prefix)}/dead?queue={E(Uri.EscapeDataString(s.Queue))}\">0</a>";
            var limits = string.Join(", ", new[]
            {
                row.Limit is { } l ? string.Create(CultureInfo.InvariantCulture, $"at most {l} at once") : null,
                row.Rate is { } r ? $"{r} started" : null,
            }.Where(x => x is not null));
            sb.Append(CultureInfo.InvariantCulture, $"<tr data-queue=\"{E(s.Queue)}\"><td class=\"name\">{E(s.Queue)}</td><td class=\"num ready\">{s.Ready}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"num scheduled\">{s.Scheduled}</td><td class=\"num running\">{s.Running}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"num succeeded\">{s.Succeeded}</td><td class=\"num dead\">{dead}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"num oldest\">{(s.OldestReadyAge is { } age ? Durations.Format(Round(age)) : "")}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"num rate\">{(row.PerMinute is { } m ? m.ToString("0.#", CultureInfo.InvariantCulture) : "")}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"limits\">{E(limits)}</td></tr>");
        }

        sb.Append("</tbody></table>");
        return Layout("Queues", sb.ToString(), menu, refresh: true);
    }

    /// <summary>One page of a job list: the jobs after <see cref="After"/>, and whether more follow.</summary>
    public sealed record Page(IReadOnlyList<JobInfo> Jobs, long After, bool More);

    public static string Dead(QueueStats stats, Page page, string done, IReadOnlyList<WebLink> menu, string prefix)
    {
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(page);
        var dead = page.Jobs;
        var q = E(stats.Queue);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<h2>Dead-letter list of <span id=\"queue\">{q}</span></h2>");
        if (done.Length > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<p class=\"note\" id=\"done\">{E(done)}</p>");
        }

        sb.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{E(prefix)}\">all queues</a> · {stats.Dead} dead, {stats.Ready} ready, {stats.Running} running · ")
            .Append(CultureInfo.InvariantCulture, $"<a id=\"retrying-link\" href=\"{E(prefix)}/retrying?queue={E(Uri.EscapeDataString(stats.Queue))}\">jobs waiting to retry</a></p>");
        if (dead.Count == 0)
        {
            sb.Append(page.After > 0 ? "<p id=\"empty\">No more dead jobs.</p>" : "<p id=\"empty\">No dead jobs.</p>");
            sb.Append(Pager(page, stats.Queue, prefix + "/dead"));
            return Layout(stats.Queue, sb.ToString(), menu);
        }

        sb.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"{E(prefix)}/retry\"><input type=\"hidden\" name=\"queue\" value=\"{q}\">")
            .Append("<button id=\"retry-all\" type=\"submit\">Retry all dead jobs</button></form>");
        sb.Append("<table id=\"dead\"><thead><tr><th>Job</th><th>Attempts</th><th>Died</th><th>Error and output</th><th>Payload</th><th></th></tr></thead><tbody>");
        foreach (var job in dead)
        {
            var id = job.Id.ToString(CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture, $"<tr data-job=\"{id}\"><td>{id}</td><td>{job.AttemptsUsed} of {job.MaxAttempts}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{job.FinishedAt?.UtcDateTime:yyyy-MM-dd HH:mm:ss}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td><div class=\"error bad\">{E(job.LastError ?? "")}</div><pre class=\"output\">{E(job.Output ?? "")}</pre></td>")
                .Append(CultureInfo.InvariantCulture, $"<td><pre class=\"payload\">{E(job.Payload)}</pre></td><td>")
                .Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"{E(prefix)}/retry\"><input type=\"hidden\" name=\"queue\" value=\"{q}\"><input type=\"hidden\" name=\"id\" value=\"{id}\"><button class=\"retry\" type=\"submit\">Retry</button></form>")
                .Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"{E(prefix)}/delete\"><input type=\"hidden\" name=\"queue\" value=\"{q}\"><input type=\"hidden\" name=\"id\" value=\"{id}\"><button class=\"delete\" type=\"submit\">Delete</button></form>")
                .Append("</td></tr>");
        }

        sb.Append("</tbody></table>");
        sb.Append(Pager(page, stats.Queue, prefix + "/dead"));
        return Layout(stats.Queue, sb.ToString(), menu);
    }

    /// <summary>Ready jobs that failed (or lost their worker) and wait for their next attempt, with why and when.</summary>
    public static string Retrying(QueueStats stats, Page page, DateTimeOffset now, IReadOnlyList<WebLink> menu, string prefix)
    {
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(page);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<h2>Jobs of <span id=\"queue\">{E(stats.Queue)}</span> waiting to retry</h2>")
            .Append(CultureInfo.InvariantCulture, $"<p><a href=\"{E(prefix)}\">all queues</a> · ")
            .Append(CultureInfo.InvariantCulture, $"<a href=\"{E(prefix)}/dead?queue={E(Uri.EscapeDataString(stats.Queue))}\">dead-letter list ({stats.Dead})</a></p>");
        if (page.Jobs.Count == 0)
        {
            sb.Append(page.After > 0 ? "<p id=\"empty\">No more jobs waiting to retry.</p>" : "<p id=\"empty\">No job is waiting to retry.</p>");
            sb.Append(Pager(page, stats.Queue, prefix + "/retrying"));
            return Layout(stats.Queue, sb.ToString(), menu);
        }

        sb.Append("<table id=\"retrying\"><thead><tr><th>Job</th><th>Attempts</th><th>Next attempt</th><th>Last error and output</th><th>Payload</th></tr></thead><tbody>");
        foreach (var job in page.Jobs)
        {
            var id = job.Id.ToString(CultureInfo.InvariantCulture);
            var next = job.VisibleAt > now ? $"in {Durations.Format(Round(job.VisibleAt - now))}" : "now";
            sb.Append(CultureInfo.InvariantCulture, $"<tr data-job=\"{id}\"><td>{id}</td><td>{job.AttemptsUsed} of {job.MaxAttempts}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"next\">{E(next)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td><div class=\"error bad\">{E(job.LastError ?? "")}</div><pre class=\"output\">{E(job.Output ?? "")}</pre></td>")
                .Append(CultureInfo.InvariantCulture, $"<td><pre class=\"payload\">{E(job.Payload)}</pre></td></tr>");
        }

        sb.Append("</tbody></table>");
        sb.Append(Pager(page, stats.Queue, prefix + "/retrying"));
        return Layout(stats.Queue, sb.ToString(), menu);
    }

    /// <summary>Links to the first page and to the next (after the last job shown), when there are such pages.</summary>
    private static string Pager(Page page, string queue, string path)
    {
        var q = E(Uri.EscapeDataString(queue));
        var links = new List<string>();
        if (page.After > 0)
        {
            links.Add($"<a id=\"first-page\" href=\"{E(path)}?queue={q}\">first page</a>");
        }

        if (page.More && page.Jobs.Count > 0)
        {
            var last = page.Jobs[^1].Id.ToString(CultureInfo.InvariantCulture);
            links.Add($"<a id=\"next-page\" href=\"{E(path)}?queue={q}&amp;after={last}\">next page →</a>");
        }

        return links.Count == 0 ? "" : $"<p class=\"pager\">{string.Join(" · ", links)}</p>";
    }

    public static string Problem(string message) => $"<p class=\"problem\" id=\"problem\">{E(message)}</p>";

    public static string Layout(string title, string body, IReadOnlyList<WebLink> menu, bool refresh = false) =>
        PartPage.Layout(title, body, menu, Style, refresh);

    private static TimeSpan Round(TimeSpan age) => TimeSpan.FromSeconds(Math.Max(1, Math.Round(age.TotalSeconds)));

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
