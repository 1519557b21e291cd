using System.Globalization;
using Microsoft.AspNetCore.Http;
using Slipway.Core;
using Slipway.Logs.Model;
using Slipway.Logs.Releases;
using Slipway.Logs.Storage;

namespace Slipway.Logs.Web;

/// <summary>
/// The browser's filters, all in the URL so every view can be shared: since, host, program, severity, facility, q,
/// release, before, tail.
/// </summary>
public sealed record BrowseQuery(
    string Since, string Host, string Program, string Severity, string Facility, string Text, long? Before, bool Tail, LogQuery Query)
{
    /// <summary>The release filter; events are those received while it was last live (<see cref="ReleaseWindow"/>).</summary>
    public string Release { get; init; } = "";

    /// <summary>When <see cref="Release"/> was last live; null when no release is asked for or the history never had it live.</summary>
    public ReleaseWindow? ReleaseWindow { get; init; }

    public const int PageSize = 100;

    public static BrowseQuery From(IQueryCollection q, DateTimeOffset now, DeployTimeline? timeline = null)
    {
        ArgumentNullException.ThrowIfNull(q);
        var since = q["since"].ToString();
        var host = q["host"].ToString().Trim();
        var program = q["program"].ToString().Trim();
        var severity = q["severity"].ToString();
        var facility = q["facility"].ToString();
        var text = q["q"].ToString();
        long? before = long.TryParse(q["before"], NumberStyles.None, CultureInfo.InvariantCulture, out var b) ? b : null;
        var query = new LogQuery
        {
            Since = Durations.TryParse(since, out var span) ? now - span : null,
            Host = host.Length > 0 ? host : null,
            Program = program.Length > 0 ? program : null,
            MaxSeverity = SyslogNames.TryParseSeverity(severity, out var s) ? s : null,
            Facility = SyslogNames.TryParseFacility(facility, out var f) ? f : null,
            Text = string.IsNullOrWhiteSpace(text) ? null : text,
            BeforeId = before,
            Limit = PageSize,
        };
        var release = q["release"].ToString().Trim();
        ReleaseWindow? window = null;
        if (release.Length > 0)
        {
            // The newest window the release was live in: a rollback to it makes a second one, and the browser pages one range.
            window = (timeline ?? new DeployTimeline([])).LiveWindows(release).OrderBy(w => w.From.Finished).LastOrDefault();
            var from = window?.From.Finished ?? DateTimeOffset.MaxValue;
            query = query with
            {
                Since = query.Since is { } s0 && s0 > from ? s0 : from,
                Until = window is null ? DateTimeOffset.MinValue : window.Until,
            };
        }

        return new BrowseQuery(since, host, program, severity, facility, text, before, q["tail"] == "1", query) { Release = release, ReleaseWindow = window };
    }

    /// <summary>This view's URL with one parameter changed (null removes it).</summary>
    public string With(string key, string? value)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        void Add(string k, string v)
        {
            var final = k == key ? value : v;
            if (!string.IsNullOrEmpty(final))
            {
                pairs.Add(new(k, final));
            }
        }

        Add("since", Since);
        Add("host", Host);
        Add("program", Program);
        Add("severity", Severity);
        Add("facility", Facility);
        Add("q", Text);
        Add("release", Release);
        Add("tail", Tail ? "1" : "");
        if (key is "before" && value is not null)
        {
            pairs.Add(new("before", value));
        }

        return "/" + (pairs.Count == 0 ? "" : "?" + string.Join('&', pairs.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value))));
    }
}
