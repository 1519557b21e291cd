using System.Globalization;
using Slipway.Logs.Releases;
using Slipway.Logs.Storage;

namespace Slipway.Logs.Digest;

/// <summary>A release's errors (severity err and worse) on its stage's hosts while it was live within a digest's period.</summary>
public sealed record ReleaseRate(DeployMark Release, long Errors, TimeSpan Live)
{
    public double PerHour => Live <= TimeSpan.Zero ? 0 : Errors / Live.TotalHours;
}

/// <summary>One stage in a digest: the releases deployed in the period, and errors per hour under each release live in it.</summary>
public sealed record StageSummary(string Stage, IReadOnlyList<DeployMark> Deployed, IReadOnlyList<ReleaseRate> Rates)
{
    /// <summary>Every stage the history names; the error rates need one query per release live in the period.</summary>
    public static async Task<IReadOnlyList<StageSummary>> BuildAsync(
        ILogStore store, DeployTimeline timeline, DateTimeOffset since, DateTimeOffset until, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(timeline);
        var result = new List<StageSummary>();
        foreach (var stage in timeline.Marks.Select(m => m.Stage).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var marks = timeline.Marks.Where(m => m.Stage == stage).ToList();
            var rates = new List<ReleaseRate>();
            for (var i = 0; i < marks.Count; i++)
            {
                var from = marks[i].Finished > since ? marks[i].Finished : since;
                var to = i + 1 < marks.Count && marks[i + 1].Finished < until ? marks[i + 1].Finished : until;
                if (to <= from)
                {
                    continue;
                }

                var errors = (await store.ErrorCountsAsync(from, to, ct)).Where(e => timeline.StageOf(e.Host) == stage).Sum(e => e.Count);
                rates.Add(new ReleaseRate(marks[i], errors, to - from));
            }

            result.Add(new StageSummary(stage, [.. marks.Where(m => m.Finished >= since && m.Finished < until)], rates));
        }

        return result;
    }

    /// <summary>"production: 1 release deployed (…); errors/hour: 20261101 2.0, then 20261104 5.5".</summary>
    public string ToLine()
    {
        var deployed = Deployed.Count switch
        {
            0 => "no deploys",
            1 => "1 release deployed: " + Deployed[0].Describe(),
            _ => $"{Deployed.Count} releases deployed: " + string.Join("; ", Deployed.Select(d => d.Describe())),
        };
        var rates = Rates.Count == 0 ? "" : "; errors/hour: " + string.Join(", then ", Rates.Select(r =>
            string.Create(CultureInfo.InvariantCulture, $"{r.Release.Release ?? "?"} {r.PerHour:0.0} ({r.Errors} in {Durations(r.Live)})")));
        return $"{Stage}: {deployed}{rates}";
    }

    private static string Durations(TimeSpan t) => Slipway.Core.Durations.Format(t);
}
