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

    /// <summary>command, http, tcp, disk or load.</summary>
    public string Kind => Config.Type ?? "command";

    /// <summary>What it runs or probes, in one line: the plugin command line, the URL, host:port, the path.</summary>
    public string Target => Definition switch
    {
        { Plugin: { } p } => p.Command,
        { Http: { } h } => h.Url,
        { Tcp: { } t } => t.Host + ":" + t.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        { Disk: { } d } => d.Path,
        _ => "/proc/loadavg",
    };
}
