using System.Globalization;
using Slipway.Core.Config;

namespace Slipway.Deploy.Model;

/// <summary>What one host of a stage has live: its release, that release's commit, and since when.</summary>
public sealed record HostLive(HostConfig Host, string? Release, string? Commit, DateTimeOffset? Since, string? Problem);

/// <summary>
/// What a stage has live as a whole: the commit when every host agrees on one, how long it has been live (since the
/// last host switched to it), and each host's view. Pure: built from what the hosts reported and the local history.
/// </summary>
public sealed record StageLive(string Stage, IReadOnlyList<HostLive> Hosts)
{
    /// <summary>Every host reachable, deployed, and on the same commit.</summary>
    public bool InStep => Hosts.Count > 0 && Hosts.All(h => h.Problem is null && h.Commit is not null) &&
                          Hosts.Select(h => h.Commit).Distinct(StringComparer.Ordinal).Count() == 1;

    /// <summary>The commit live everywhere; null when hosts disagree or have nothing live.</summary>
    public string? Commit => InStep ? Hosts[0].Commit : null;

    /// <summary>When the last host went live on <see cref="Commit"/>: the stage has served it everywhere since then.</summary>
    public DateTimeOffset? LiveSince => InStep ? Hosts.Max(h => h.Since) : null;

    /// <summary>The commit most hosts have live (for "behind" counts when hosts disagree).</summary>
    public string? MajorityCommit => Hosts.Where(h => h.Commit is not null).GroupBy(h => h.Commit, StringComparer.Ordinal)
        .OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault();

    /// <summary>
    /// A host's live-since is its current release's name (the deploy time), or later when the history shows a rollback
    /// back to that release (an old release made live again has been live only since the rollback).
    /// </summary>
    public static StageLive From(string stage, IEnumerable<(HostConfig Host, HostState? State, string? Problem)> hosts, IEnumerable<HistoryEntry> history)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentNullException.ThrowIfNull(history);
        var rollbacks = history.Where(e => e.Stage == stage && e.Action == "rollback" && e.Result == "succeeded" && e.Release is not null)
            .ToList();
        return new StageLive(stage, [.. hosts.Select(h =>
        {
            if (h.Problem is not null || h.State is null)
            {
                return new HostLive(h.Host, null, null, null, h.Problem ?? "unreachable");
            }

            var current = h.State.Current;
            if (current is null)
            {
                return new HostLive(h.Host, null, null, null, "nothing deployed");
            }

            var commit = h.State.Find(current)?.Revision;
            DateTimeOffset? since = ReleaseName.IsValid(current)
                ? new DateTimeOffset(DateTime.ParseExact(current, ReleaseName.Format, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal), TimeSpan.Zero)
                : null;
            var back = rollbacks.Where(r => r.Release == current).Select(r => (DateTimeOffset?)(r.Started + TimeSpan.FromMilliseconds(r.DurationMs)))
                .DefaultIfEmpty(null).Max();
            if (back is not null && (since is null || back > since))
            {
                since = back;
            }

            return new HostLive(h.Host, current, commit, since, commit is null ? "live release has no REVISION" : null);
        })]);
    }
}
