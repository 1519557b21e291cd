using Slipway.Cli.Output;
using Slipway.Deploy.Execution;
using Slipway.Deploy.Source;
using Spectre.Console;

namespace Slipway.Cli.Commands.Deploy;

/// <summary>
/// <c>deploy --dry-run</c>: prints the plan <see cref="ReleaseManager.PlanDryRunAsync"/> makes (the commit resolved
/// locally, every script per host) without connecting to any host. It says plainly what only the hosts can decide,
/// rather than pretending every check passes.
/// </summary>
internal static class DryRun
{
    public static async Task<int> PrintAsync(IAnsiConsole console, DeployRequest request, TimeProvider time, CancellationToken ct)
    {
        var config = request.Config;
        DryRunPlan plan;
        try
        {
            plan = await ReleaseManager.PlanDryRunAsync(request, time, null, ct);
        }
        catch (SourceException e)
        {
            ConsoleText.Error(console, e.Message);
            return ExitCodes.CommandFailed;
        }

        ConsoleText.Line(console, $"dry run: deploy {plan.Branch} at {plan.Commit} to {request.Stage.Name} ({request.Hosts.Count} host(s)); nothing is changed, no host is contacted.");
        if (request.PublishParallelism == 1)
        {
            var rolling = string.Join(", ", config.Processes.Where(p => p.Rolling).Select(p => p.Name));
            ConsoleText.Line(console, $"Publish is rolling (rolling: true on {rolling}): one host at a time, in the order below; each switches, " +
                "restarts and passes its health checks before the next starts. If one fails, the hosts not yet published are left alone " +
                "and every host already published is switched back.");
        }

        ConsoleText.Line(console, "Decided only on the hosts, at run time:");
        ConsoleText.Line(console, "  - whether the deploy lock is free, and whether each check passes (the check script reports every miss);");
        ConsoleText.Line(console, $"  - the release name: {plan.Release} here, or one second after the newest release a host already has;");
        ConsoleText.Line(console, "  - the previous release (SLIPWAY_PREVIOUS_RELEASE), read from each host's current link;");
        ConsoleText.Line(console, "  - which old releases cleanup removes (unfinished and bad first, never the live or previous one).");
        foreach (var host in plan.Hosts)
        {
            ConsoleText.Line(console, "");
            ConsoleText.Line(console, $"== {host.Host.DisplayName} ({host.DeployTo})");
            foreach (var step in host.Scripts)
            {
                ConsoleText.Line(console, $"-- {step.Phase}: {step.When}");
                foreach (var line in step.Script.ToString().Split('\n'))
                {
                    ConsoleText.Line(console, "   " + line);
                }
            }
        }

        return ExitCodes.Success;
    }
}
