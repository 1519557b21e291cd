using Slipway.Core.Config;
using Slipway.Core.Layout;

namespace Slipway.Monitor.Configuration;

/// <summary>
/// What a deploy (or rollback, or promote) tells the monitor, through the marks file a running <c>monitor serve</c>
/// reloads: at the start, every check of the deploy's hosts goes into downtime; at the end the downtime is lifted and
/// the release is recorded, so a HARD problem that starts during the deploy or within <c>monitor.deploy_window</c>
/// after it is attributed to that release. A downtime set by hand (<c>monitor downtime</c>) is kept as it is.
/// </summary>
public sealed class DeployDowntime
{
    /// <summary>The longest a deploy's downtime lasts when its end is never recorded (slipway was killed).</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromHours(2);

    private readonly string _marksPath;
    private readonly string _stage;
    private readonly string _action;

    private DeployDowntime(string marksPath, string stage, string action, IReadOnlyList<string> checks)
    {
        _marksPath = marksPath;
        _stage = stage;
        _action = action;
        Checks = checks;
    }

    /// <summary>The check ids (<c>NAME@HOST</c>) put into downtime.</summary>
    public IReadOnlyList<string> Checks { get; }

    /// <summary>
    /// The checks of <paramref name="hosts"/> in <paramref name="stage"/>, or null when none is configured (nothing
    /// is written then). Checks whose config has problems are left out: the deploy is not the place to report them.
    /// </summary>
    public static DeployDowntime? For(SlipwayConfig config, string stage, IEnumerable<HostConfig> hosts, string action)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(hosts);
        if (config.Monitor is null)
        {
            return null;
        }

        // By address: the deploy's hosts may carry the ssh user filled in, the config's do not.
        static string Address(HostConfig h) => h.Host + ":" + h.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var deployed = hosts.Select(Address).ToHashSet(StringComparer.Ordinal);
        var checks = MonitorPlan.Expand(config, stage).Checks
            .Where(c => deployed.Contains(Address(c.Host))).Select(c => c.Id).Distinct(StringComparer.Ordinal).ToList();
        return checks.Count == 0 ? null : new DeployDowntime(LocalState.For(config).MonitorMarks, stage, action, checks);
    }

    /// <summary>Opens the downtime: every check is in downtime from <paramref name="now"/> until <see cref="EndAsync"/> (at most <see cref="Longest"/>).</summary>
    public Task BeginAsync(DateTimeOffset now, CancellationToken ct) =>
        MonitorMarks.UpdateAsync(_marksPath, marks =>
        {
            foreach (var id in Checks)
            {
                marks.Deploys[id] = new DeployMark(_stage, now, now + Longest) { Action = _action };
            }
        }, ct);

    /// <summary>Lifts the downtime and records how the deploy ended and which release it left live.</summary>
    public Task EndAsync(DateTimeOffset now, string result, string? release, string? commit, CancellationToken ct) =>
        MonitorMarks.UpdateAsync(_marksPath, marks =>
        {
            foreach (var id in Checks)
            {
                var started = marks.Deploys.TryGetValue(id, out var open) && open.FinishedAt is null ? open.StartedAt : now;
                marks.Deploys[id] = new DeployMark(_stage, started, now)
                {
                    Action = _action, Release = release, Commit = commit, FinishedAt = now, Result = result,
                };
            }
        }, ct);
}
