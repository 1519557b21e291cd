using System.Runtime.Versioning;
using Slipway.Cli.Commands.Hosts;
using Slipway.Core.Config;
using Slipway.Core.Shell;
using Slipway.Recipes;
using Slipway.Recipes.Setup;

namespace Slipway.Cli.Commands.Deploy;

/// <summary>One supervised process of a stage as <c>slipway status</c> shows it; <see cref="Problem"/> when it is not RUNNING.</summary>
internal sealed record StageProcessRecord(string Host, string Name, string State, int Pid, long? UptimeSeconds, string Description)
{
    public bool Problem => State != "RUNNING";
}

/// <summary>A host whose processes could not be asked (unreachable, no agent installed, supervisor down), and why.</summary>
internal sealed record ProcessesUnknownRecord(string Host, string Error);

/// <summary>
/// Every process of a stage's hosts, asked from the supervisor on each host through the host agent
/// (<c>agent supervisor status --json</c>, as <c>slipway ps</c> asks it), in host order.
/// </summary>
[SupportedOSPlatform("linux")]
internal static class StageProcesses
{
    public static async Task<(IReadOnlyList<StageProcessRecord> Processes, IReadOnlyList<ProcessesUnknownRecord> Unknown)> CollectAsync(
        SlipwayConfig config, StageConfig stage, CancellationToken ct)
    {
        await using var target = StageTarget.Open(config, new StageQuery(stage.Name));
        var answers = await HostAgent.RunAsync(target, plan => HostAgent.Agent(plan, ShellCommand.Create($"status --socket {plan.Socket} --json")), null, ct);
        var hosts = HostAnswerPrinter.PsHosts(answers);
        return (
            [.. hosts.SelectMany(h => h.Processes.Select(p => new StageProcessRecord(h.Host, p.FullName, p.State, p.Pid, p.UptimeSeconds, p.Description)))],
            [.. hosts.Where(h => h.Error is not null).Select(h => new ProcessesUnknownRecord(h.Host, h.Error!))]);
    }
}
