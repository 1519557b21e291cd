using System.Globalization;
using System.Net;
using System.Text;
using Slipway.Logs.Releases;
using Slipway.Logs.Storage;

namespace Slipway.Logs.Digest;

/// <summary>
/// The mailed summary: per stage the releases deployed and errors per hour under each; the top traceback groups as new
/// (with the release that brought them), regressed (back after a week's silence, with the release they came back under)
/// and ongoing, each with its trend; and error counts per host and program.
/// </summary>
public sealed record DigestReport(
    DateTimeOffset Since,
    DateTimeOffset Until,
    DateTimeOffset? PreviousDigest,
    IReadOnlyList<DigestGroup> Groups,
    IReadOnlyList<ErrorCount> Errors,
    string? BaseUrl)
{
    public IReadOnlyList<StageSummary> Stages { get; init; } = [];

    /// <summary>The queue's failing jobs in the window, grouped by queue and error, most failed attempts first.</summary>
    public IReadOnlyList<FailingJob> FailingJobs { get; init; } = [];

    public FailureTotals JobFailures { get; init; } = new(0, 0, 0, 0, false);

    public const string LastDigestKey = "digest.last_sent";

    public static async Task<DigestReport> BuildAsync(
        ILogStore store, DateTimeOffset since, DateTimeOffset until, int top, string? baseUrl, CancellationToken ct, DeployTimeline? timeline = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        timeline ??= new DeployTimeline([]);
        var last = await store.GetStateAsync(LastDigestKey, ct) is { } text
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : (DateTimeOffset?)null;
        var groups = await store.TopGroupsAsync(since, until, top, ct);
        var errors = await store.ErrorCountsAsync(since, until, ct);
        var newSince = last ?? since;
        var digestGroups = new List<DigestGroup>();
        foreach (var g in groups)
        {
            var hours = await store.GroupHostHoursAsync(g.Fingerprint, ct);
            var first = await store.FirstOccurrenceAsync(g.Fingerprint, since, ct);
            digestGroups.Add(new DigestGroup(g, GroupStanding.Of(timeline, hours, first, g.FirstSeen, newSince)));
        }

        // Sections in the mail's order; within each, most frequent first as the store ranked them.
        digestGroups = [.. digestGroups.OrderBy(d => d.Standing.Standing)];
        var (failing, failures) = await Digest.FailingJobs.ReadAsync(store, since, until, top, ct);
        var titled = new List<FailingJob>(failing.Count);
        foreach (var job in failing)
        {
            // Stored events keep the fingerprint, not the title: the group's title, from the list above or the store.
            var title = job.Fingerprint is not { } fp ? null
                : groups.FirstOrDefault(g => g.Fingerprint == fp)?.Title ?? (await store.GetGroupAsync(fp, ct))?.Title;
            titled.Add(job with { TracebackTitle = title ?? job.TracebackTitle });
        }

        return new DigestReport(since, until, last, digestGroups, errors, baseUrl?.TrimEnd('/'))
        {
            Stages = await StageSummary.BuildAsync(store, timeline, since, until, ct),
            FailingJobs = titled,
            JobFailures = failures,
        };
    }

    public string Subject =>
        $"Slipway logs: {Groups.Sum(g => g.Group.CountInWindow)} tracebacks in {Groups.Count} groups"
        + (Groups.Count(g => g.IsNew) is var n and > 0 ? $" ({n} new)" : "")
        + $", {Errors.Sum(e => e.Count)} errors"
        + (JobFailures.Jobs > 0 ? $", {JobFailures.Jobs} failing jobs" : "")
        + $", {Until.UtcDateTime:yyyy-MM-dd HH:mm} UTC";

    public string ToText()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Slipway log digest: {Since.UtcDateTime:yyyy-MM-dd HH:mm} to {Until.UtcDateTime:yyyy-MM-dd HH:mm} UTC\n\n");
        if (Stages.Count > 0)
        {
            sb.Append("Stages\n");
            foreach (var stage in Stages)
            {
                sb.Append("  ").Append(stage.ToLine()).Append('\n');
            }

            sb.Append('\n');
        }

        sb.Append(CultureInfo.InvariantCulture, $"Top traceback groups ({Groups.Count})\n");
        if (Groups.Count == 0)
        {
            sb.Append("  none\n");
        }

        var rank = 0;
        foreach (var section in Groups.GroupBy(g => g.Standing.Standing))
        {
            sb.Append(CultureInfo.InvariantCulture, $"\n{Heading(section.Key)} ({section.Count()})\n");
            foreach (var d in section)
            {
                var g = d.Group;
                rank++;
                sb.Append(CultureInfo.InvariantCulture, $"{rank,3}. {g.CountInWindow,6}x  {Trend(g)}  {(d.IsNew ? "[NEW] " : "")}{g.Title}\n");
                sb.Append("       ").Append(ReleaseLine(d.Standing)).Append('\n');
                sb.Append(CultureInfo.InvariantCulture, $"       {g.HostCount} host(s), first seen {g.FirstSeen.UtcDateTime:yyyy-MM-dd HH:mm}, last {g.LastSeen.UtcDateTime:yyyy-MM-dd HH:mm}");
                sb.Append(BaseUrl is null ? "\n" : $"\n       {BaseUrl}/groups/{g.Fingerprint}\n");
            }
        }

        AppendFailingJobs(sb);
        sb.Append(CultureInfo.InvariantCulture, $"\nErrors (severity err and worse) per host and program\n");
        if (Errors.Count == 0)
        {
            sb.Append("  none\n");
        }

        foreach (var e in Errors)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  {e.Count,8}  {e.Host} {e.Program}\n");
        }

        return sb.ToString();
    }

    /// <summary>"Top failing jobs" beside the traceback groups: each queue and error, its jobs, and its traceback group.</summary>
    private void AppendFailingJobs(StringBuilder sb)
    {
        sb.Append(CultureInfo.InvariantCulture, $"\nTop failing jobs ({FailuresLine()})\n");
        if (FailingJobs.Count == 0)
        {
            sb.Append("  none\n");
        }

        var rank = 0;
        foreach (var job in FailingJobs)
        {
            rank++;
            sb.Append(CultureInfo.InvariantCulture, $"{rank,3}. {job.Failures,6}x  {job.Queue}: {Shorten(job.Error)}\n");
            sb.Append(CultureInfo.InvariantCulture, $"       {JobsLine(job)}, last {job.LastSeen.UtcDateTime:yyyy-MM-dd HH:mm}\n");
            if (job.Fingerprint is not null)
            {
                sb.Append("       traceback: ").Append(job.TracebackTitle ?? job.Fingerprint)
                    .Append(BaseUrl is null ? "\n" : $"  {BaseUrl}/groups/{job.Fingerprint}\n");
            }
        }
    }

    private string FailuresLine()
    {
        var t = JobFailures;
        if (t.Attempts == 0)
        {
            return "no failed attempts";
        }

        var kinds = t.Kinds > FailingJobs.Count ? $"{FailingJobs.Count} of {t.Kinds} kinds" : $"{t.Kinds} kind(s)";
        return string.Create(CultureInfo.InvariantCulture, $"{kinds}: {t.Attempts} failed attempts of {t.Jobs} jobs, {t.DeadLettered} dead-lettered")
            + (t.Cut ? $"; the newest {Digest.FailingJobs.ReadLimit} failures read" : "");
    }

    /// <summary>"jobs 42, 43 and 2 more; 1 dead-lettered; 2 host(s)".</summary>
    public static string JobsLine(FailingJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        const int Shown = 5;
        var ids = string.Join(", ", job.JobIds.Take(Shown).Select(id => id.ToString(CultureInfo.InvariantCulture)));
        var more = job.JobIds.Count > Shown ? string.Create(CultureInfo.InvariantCulture, $" and {job.JobIds.Count - Shown} more") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{(job.JobIds.Count == 1 ? "job" : "jobs")} {ids}{more}; {job.DeadLettered} dead-lettered; {job.HostCount} host(s)");
    }

    /// <summary>An error line cut to what a mail line can hold.</summary>
    public static string Shorten(string error)
    {
        ArgumentNullException.ThrowIfNull(error);
        const int Max = 160;
        return error.Length <= Max ? error : error[..(Max - 1)] + "…";
    }

    public static string Heading(Standing standing) => standing switch
    {
        Standing.New => "New",
        Standing.Regressed => "Regressed (silent for a week or more, then back)",
        _ => "Ongoing",
    };

    /// <summary>Which release brought the group (new), brought it back (regressed), or it was first seen under (ongoing).</summary>
    public static string ReleaseLine(GroupStanding standing)
    {
        ArgumentNullException.ThrowIfNull(standing);
        var on = standing.Stage is null ? "" : $" on {standing.Stage}";
        var cause = standing.Cause?.Describe();
        var line = standing.Standing switch
        {
            Standing.New when cause is not null => $"new since {cause}{on}",
            Standing.New => "new; " + Unknown(standing),
            Standing.Regressed when cause is not null => string.Create(CultureInfo.InvariantCulture,
                $"regressed: silent since {standing.SilentSince!.Value.UtcDateTime:yyyy-MM-dd HH:mm}, back after {cause}{on}"),
            Standing.Regressed => string.Create(CultureInfo.InvariantCulture,
                $"regressed: silent since {standing.SilentSince!.Value.UtcDateTime:yyyy-MM-dd HH:mm}; ") + Unknown(standing),
            _ when cause is not null => $"ongoing, first seen under {cause}{on}",
            _ => "ongoing; " + Unknown(standing),
        };
        return standing.SeenOn.Count == 0 ? line : line + "; seen on " + string.Join(", ", standing.SeenOn.Select(m => m.Release ?? "?").Distinct(StringComparer.Ordinal));
    }

    private static string Unknown(GroupStanding standing) =>
        standing.Stage is null ? "release unknown (no deploy history names its host)" : $"release unknown (before the first deploy to {standing.Stage})";

    public string ToHtml()
    {
        static string H(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html><body style=\"font-family:sans-serif\">");
        sb.Append(CultureInfo.InvariantCulture, $"<h2>Slipway log digest</h2><p>{Since.UtcDateTime:yyyy-MM-dd HH:mm} to {Until.UtcDateTime:yyyy-MM-dd HH:mm} UTC</p>");
        if (Stages.Count > 0)
        {
            sb.Append("<h3>Stages</h3><ul>");
            foreach (var stage in Stages)
            {
                sb.Append("<li>").Append(H(stage.ToLine())).Append("</li>");
            }

            sb.Append("</ul>");
        }

        sb.Append("<h3>Top traceback groups</h3><table border=\"1\" cellpadding=\"4\" cellspacing=\"0\"><tr><th>#</th><th>Count</th><th>Trend</th><th>Group</th><th>Release</th><th>Hosts</th><th>First seen</th></tr>");
        var rank = 0;
        foreach (var d in Groups)
        {
            var g = d.Group;
            rank++;
            var title = BaseUrl is null ? H(g.Title) : $"<a href=\"{H(BaseUrl)}/groups/{H(g.Fingerprint)}\">{H(g.Title)}</a>";
            var mark = d.Standing.Standing switch
            {
                Standing.New => "<b style=\"color:#b00020\">NEW</b> ",
                Standing.Regressed => "<b style=\"color:#b06000\">REGRESSED</b> ",
                _ => "",
            };
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{rank}</td><td>{g.CountInWindow}</td><td>{H(Trend(g))}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{mark}{title}</td><td>{H(ReleaseLine(d.Standing))}</td><td>{g.HostCount}</td><td>{g.FirstSeen.UtcDateTime:yyyy-MM-dd HH:mm}</td></tr>");
        }

        sb.Append(CultureInfo.InvariantCulture, $"</table><h3>Top failing jobs</h3><p>{H(FailuresLine())}</p>");
        if (FailingJobs.Count > 0)
        {
            sb.Append("<table border=\"1\" cellpadding=\"4\" cellspacing=\"0\"><tr><th>#</th><th>Failed attempts</th><th>Queue</th><th>Error</th><th>Jobs</th><th>Last</th><th>Traceback</th></tr>");
            rank = 0;
            foreach (var job in FailingJobs)
            {
                rank++;
                var traceback = job.Fingerprint is null ? ""
                    : BaseUrl is null ? H(job.TracebackTitle ?? job.Fingerprint)
                    : $"<a href=\"{H(BaseUrl)}/groups/{H(job.Fingerprint)}\">{H(job.TracebackTitle ?? job.Fingerprint)}</a>";
                sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{rank}</td><td>{job.Failures}</td><td>{H(job.Queue)}</td><td>{H(Shorten(job.Error))}</td>")
                    .Append(CultureInfo.InvariantCulture, $"<td>{H(JobsLine(job))}</td><td>{job.LastSeen.UtcDateTime:yyyy-MM-dd HH:mm}</td><td>{traceback}</td></tr>");
            }

            sb.Append("</table>");
        }

        sb.Append("<h3>Errors per host and program</h3><table border=\"1\" cellpadding=\"4\" cellspacing=\"0\"><tr><th>Count</th><th>Host</th><th>Program</th></tr>");
        foreach (var e in Errors)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{e.Count}</td><td>{H(e.Host)}</td><td>{H(e.Program)}</td></tr>");
        }

        return sb.Append("</table></body></html>").ToString();
    }

    /// <summary>Against the window of the same length before: "↑ +12", "↓ -3", "= 0", or "new" when it did not occur.</summary>
    public static string Trend(GroupSummary g)
    {
        ArgumentNullException.ThrowIfNull(g);
        var delta = g.CountInWindow - g.CountPreviousWindow;
        return g.CountPreviousWindow == 0 ? "(none before)"
            : delta > 0 ? $"up {delta} from {g.CountPreviousWindow}"
            : delta < 0 ? $"down {-delta} from {g.CountPreviousWindow}"
            : "same as before";
    }
}

public sealed record DigestGroup(GroupSummary Group, GroupStanding Standing)
{
    public bool IsNew => Standing.Standing == global::Slipway.Logs.Releases.Standing.New;
}
