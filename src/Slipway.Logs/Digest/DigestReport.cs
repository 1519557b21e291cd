using System.Globalization;
using System.Net;
using System.Text;
using Slipway.Logs.Storage;

namespace Slipway.Logs.Digest;

/// <summary>The mailed summary: top traceback groups with trend and "new" marks, and error counts per host and program.</summary>
public sealed record DigestReport(
    DateTimeOffset Since,
    DateTimeOffset Until,
    DateTimeOffset? PreviousDigest,
    IReadOnlyList<DigestGroup> Groups,
    IReadOnlyList<ErrorCount> Errors,
    string? BaseUrl)
{
    public const string LastDigestKey = "digest.last_sent";

    public static async Task<DigestReport> BuildAsync(
        ILogStore store, DateTimeOffset since, DateTimeOffset until, int top, string? baseUrl, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        var last = await store.GetStateAsync(LastDigestKey, ct) is { } text
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : (DateTimeOffset?)null;
        var groups = await store.TopGroupsAsync(since, until, top, ct);
        var errors = await store.ErrorCountsAsync(since, until, ct);
        var newSince = last ?? since;
        return new DigestReport(since, until, last,
            groups.Select(g => new DigestGroup(g, IsNew: g.FirstSeen >= newSince)).ToList(), errors, baseUrl?.TrimEnd('/'));
    }

    public string Subject =>
        $"Slipway logs: {Groups.Sum(g => g.Group.CountInWindow)} tracebacks in {Groups.Count} groups"
        + (Groups.Count(g => g.IsNew) is var n and > 0 ? $" ({n} new)" : "")
        + $", {Errors.Sum(e => e.Count)} errors, {Until.UtcDateTime:yyyy-MM-dd HH:mm} UTC";

    public string ToText()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Slipway log digest: {Since.UtcDateTime:yyyy-MM-dd HH:mm} to {Until.UtcDateTime:yyyy-MM-dd HH:mm} UTC\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"Top traceback groups ({Groups.Count})\n");
        if (Groups.Count == 0)
        {
            sb.Append("  none\n");
        }

        var rank = 0;
        foreach (var (g, isNew) in Groups)
        {
            rank++;
            sb.Append(CultureInfo.InvariantCulture, $"{rank,3}. {g.CountInWindow,6}x  {Trend(g)}  {(isNew ? "[NEW] " : "")}{g.Title}\n");
            sb.Append(CultureInfo.InvariantCulture, $"       {g.HostCount} host(s), first seen {g.FirstSeen.UtcDateTime:yyyy-MM-dd HH:mm}, last {g.LastSeen.UtcDateTime:yyyy-MM-dd HH:mm}");
            sb.Append(BaseUrl is null ? "\n" : $"\n       {BaseUrl}/groups/{g.Fingerprint}\n");
        }

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

    public string ToHtml()
    {
        static string H(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html><body style=\"font-family:sans-serif\">");
        sb.Append(CultureInfo.InvariantCulture, $"<h2>Slipway log digest</h2><p>{Since.UtcDateTime:yyyy-MM-dd HH:mm} to {Until.UtcDateTime:yyyy-MM-dd HH:mm} UTC</p>");
        sb.Append("<h3>Top traceback groups</h3><table border=\"1\" cellpadding=\"4\" cellspacing=\"0\"><tr><th>#</th><th>Count</th><th>Trend</th><th>Group</th><th>Hosts</th><th>First seen</th></tr>");
        var rank = 0;
        foreach (var (g, isNew) in Groups)
        {
            rank++;
            var title = BaseUrl is null ? H(g.Title) : $"<a href=\"{H(BaseUrl)}/groups/{H(g.Fingerprint)}\">{H(g.Title)}</a>";
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{rank}</td><td>{g.CountInWindow}</td><td>{H(Trend(g))}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{(isNew ? "<b style=\"color:#b00020\">NEW</b> " : "")}{title}</td><td>{g.HostCount}</td><td>{g.FirstSeen.UtcDateTime:yyyy-MM-dd HH:mm}</td></tr>");
        }

        sb.Append("</table><h3>Errors per host and program</h3><table border=\"1\" cellpadding=\"4\" cellspacing=\"0\"><tr><th>Count</th><th>Host</th><th>Program</th></tr>");
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

public sealed record DigestGroup(GroupSummary Group, bool IsNew);
