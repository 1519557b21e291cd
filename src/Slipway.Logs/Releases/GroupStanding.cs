using Slipway.Logs.Storage;

namespace Slipway.Logs.Releases;

/// <summary>Where a traceback group stands in a digest's period.</summary>
public enum Standing
{
    /// <summary>First seen in the period (since the last digest sent, or the period's start).</summary>
    New,

    /// <summary>Seen before, silent for at least <see cref="GroupStanding.RegressionSilence"/>, back in the period.</summary>
    Regressed,

    /// <summary>Seen before and not silent long enough to count as a regression.</summary>
    Ongoing,
}

/// <summary>
/// A group joined with the deploy history: its standing, the release that brought it (new) or brought it back
/// (regressed), and every release it has been seen under.
/// </summary>
/// <remarks>
/// Releases come from the central deploy history at read time, not from the hosts: the history already names stage,
/// release, commit and deployer, works for events stored before the history was written, and costs intake nothing.
/// The first appearance (and a regression's return) is exact to the millisecond; "seen under" is per hour and host, so an
/// hour in which a deploy finished counts for both releases.
/// </remarks>
public sealed record GroupStanding(Standing Standing, DeployMark? Cause, string? Stage, DateTimeOffset? SilentSince, IReadOnlyList<DeployMark> SeenOn)
{
    /// <summary>How long a group must have been silent for its return to count as a regression.</summary>
    public static readonly TimeSpan RegressionSilence = TimeSpan.FromDays(7);

    /// <param name="timeline">The deploy history.</param>
    /// <param name="hours">The group's occurrences per hour and host, any order.</param>
    /// <param name="first">The group's first stored occurrence in the period (its time and host).</param>
    /// <param name="firstSeen">When the group was first seen at all.</param>
    /// <param name="newSince">Groups first seen at or after this are new (the last digest sent, or the period's start).</param>
    public static GroupStanding Of(DeployTimeline timeline, IReadOnlyList<GroupHostHour> hours, Occurrence? first, DateTimeOffset firstSeen, DateTimeOffset newSince)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        ArgumentNullException.ThrowIfNull(hours);
        var seenOn = ReleasesSeen(timeline, hours);
        var stage = first is null ? null : timeline.StageOf(first.Host);
        if (firstSeen >= newSince)
        {
            return new GroupStanding(Standing.New, CauseAt(timeline, stage, first?.ReceivedAt ?? firstSeen), stage, null, seenOn);
        }

        if (first is not null)
        {
            // The newest hour before the return's own hour: the group was silent from then on.
            var returnHour = Hour(first.ReceivedAt);
            var before = hours.Where(h => h.Hour < returnHour).Select(h => h.Hour).DefaultIfEmpty().Max();
            if (before != default && returnHour - before > RegressionSilence)
            {
                return new GroupStanding(Standing.Regressed, CauseAt(timeline, stage, first.ReceivedAt), stage, before.AddHours(1), seenOn);
            }
        }

        return new GroupStanding(Standing.Ongoing, CauseAt(timeline, stage, firstSeen), stage, null, seenOn);
    }

    private static DeployMark? CauseAt(DeployTimeline timeline, string? stage, DateTimeOffset at) =>
        stage is null ? null : timeline.LiveOn(stage, at);

    /// <summary>Each release live on a host's stage in an hour the group occurred on that host, oldest first, once each.</summary>
    private static IReadOnlyList<DeployMark> ReleasesSeen(DeployTimeline timeline, IReadOnlyList<GroupHostHour> hours)
    {
        var stageOfHost = new Dictionary<string, string?>(StringComparer.Ordinal);
        var windowsOfStage = new Dictionary<string, List<(DeployMark Mark, DateTimeOffset Until)>>(StringComparer.Ordinal);
        var seen = new HashSet<DeployMark>();
        foreach (var h in hours)
        {
            if (!stageOfHost.TryGetValue(h.Host, out var stage))
            {
                stage = stageOfHost[h.Host] = timeline.StageOf(h.Host);
            }

            if (stage is null)
            {
                continue;
            }

            if (!windowsOfStage.TryGetValue(stage, out var windows))
            {
                var marks = timeline.Marks.Where(m => m.Stage == stage).ToList();
                windows = windowsOfStage[stage] = [.. marks.Select((m, i) => (m, i + 1 < marks.Count ? marks[i + 1].Finished : DateTimeOffset.MaxValue))];
            }

            var end = h.Hour.AddHours(1);
            foreach (var (mark, until) in windows)
            {
                if (mark.Finished < end && until > h.Hour)
                {
                    seen.Add(mark);
                }
            }
        }

        return [.. seen.OrderBy(m => m.Finished)];
    }

    private static DateTimeOffset Hour(DateTimeOffset t) =>
        DateTimeOffset.FromUnixTimeMilliseconds(t.ToUnixTimeMilliseconds() / 3_600_000 * 3_600_000);
}
