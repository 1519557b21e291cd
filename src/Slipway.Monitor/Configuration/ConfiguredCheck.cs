using Slipway.Core.Config;
using Slipway.Monitor.Checks;

namespace Slipway.Monitor.Configuration;

/// <summary>
/// One configured check expanded for one host of a stage: its host variables are in, and <see cref="Definition"/> is what
/// the library runs. <see cref="Id"/> (<c>NAME@HOST</c>) names it in commands and in the local state file.
/// </summary>
public sealed record ConfiguredCheck(MonitorCheckConfig Config, string Stage, HostConfig Host, CheckDefinition Definition)
{
    public string Name => Config.Name;

    public string Id => Config.Name + "@" + Host.DisplayName;

    /// <summary>Run on the host by <c>slipway monitor agent</c>, which sends the results to monitor serve (<c>run_on: agent</c>).</summary>
    public bool RunsOnAgent => Config.RunOn == "agent";

    /// <summary>command, or the built-in's type (http, tcp, disk, load, supervise, queue, log_errors, release).</summary>
    public string Kind => Config.Type ?? "command";

    /// <summary>What it runs or probes, in one line: the plugin command line, the URL, host:port, the path.</summary>
    public string Target => RunsOnAgent ? LocalTarget + " (on " + Host.DisplayName + " by its agent)" : LocalTarget;

    private string LocalTarget => Definition switch
    {
        { Plugin: { OnHost: { } on } p } => p.Command + " (on " + on + " over ssh)",
        { Plugin: { } p } => p.Command,
        { Http: { } h } => h.Url,
        { Tcp: { } t } => t.Host + ":" + t.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        { Disk: { } d } => d.Path,
        { Supervise: { } v } => v.Program + " via " + v.Socket,
        { Queue: { } q } => "queue " + q.Queue + (q.Measure == QueueMeasureKind.Depth ? " depth" : " oldest_age"),
        { LogErrors: { } l } => "errors/min over " + Core.Durations.Format(l.Window) + (l.Program is null ? "" : " from " + l.Program) + (l.Host is null ? "" : " on " + l.Host),
        { Release: { } r } => "current vs the history of " + r.Stage,
        _ => "/proc/loadavg",
    };
}
