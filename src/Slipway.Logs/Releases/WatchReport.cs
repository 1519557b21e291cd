using System.Globalization;
using System.Text;
using Slipway.Logs.Storage;

namespace Slipway.Logs.Releases;

/// <summary>
/// What <c>slipway deploy --watch</c> found: errors on the stage's hosts in the period after the deploy against the
/// same length of time before it (under the previous release), and the traceback groups first seen after the deploy.
/// </summary>
public sealed record WatchReport(
    string Stage, string Release, DateTimeOffset DeployedAt, TimeSpan Span, long ErrorsAfter, long ErrorsBefore, IReadOnlyList<GroupSummary> NewGroups)
{
    /// <summary>Reads the stage's errors and new groups; <paramref name="timeline"/> is read after the deploy, so it names the stage's hosts.</summary>
    public static async Task<WatchReport> BuildAsync(
        ILogStore store, DeployTimeline timeline, string stage, string release, DateTimeOffset deployedAt, DateTimeOffset until, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(timeline);
        var span = until - deployedAt;
        bool OnStage(string host) => timeline.StageOf(host) == stage;
        var after = (await store.ErrorCountsAsync(deployedAt, until, ct)).Where(e => OnStage(e.Host)).Sum(e => e.Count);
        var before = (await store.ErrorCountsAsync(deployedAt - span, deployedAt, ct)).Where(e => OnStage(e.Host)).Sum(e => e.Count);
        var fresh = new List<GroupSummary>();
        foreach (var g in await store.TopGroupsAsync(deployedAt, until, 100, ct))
        {
            if (g.FirstSeen >= deployedAt && await store.FirstOccurrenceAsync(g.Fingerprint, deployedAt, ct) is { } first && OnStage(first.Host))
            {
                fresh.Add(g);
            }
        }

        return new WatchReport(stage, release, deployedAt, span, after, before, fresh);
    }

    public double RateAfter => PerHour(ErrorsAfter);

    public double RateBefore => PerHour(ErrorsBefore);

    public string ToText()
    {
        var sb = new StringBuilder();
        // Whole seconds: the wait ends a few milliseconds after the asked-for time.
        var span = Slipway.Core.Durations.Format(Span >= TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(Math.Round(Span.TotalSeconds)) : Span);
        sb.Append(CultureInfo.InvariantCulture,
            $"watch: release {Release} on {Stage}: {ErrorsAfter} error(s) in the {span} after the deploy ({RateAfter:0.0}/h), {ErrorsBefore} in the {span} before ({RateBefore:0.0}/h)\n");
        if (NewGroups.Count == 0)
        {
            sb.Append("watch: no new traceback groups\n");
            return sb.ToString();
        }

        sb.Append(CultureInfo.InvariantCulture, $"watch: {NewGroups.Count} new traceback group(s) since the deploy:\n");
        foreach (var g in NewGroups)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  {g.CountInWindow,5}x  {g.Title}  (group {g.Fingerprint}, first seen {g.FirstSeen.UtcDateTime:HH:mm:ss} UTC)\n");
        }

        return sb.ToString();
    }

    private double PerHour(long count) => Span <= TimeSpan.Zero ? 0 : count / Span.TotalHours;
}
