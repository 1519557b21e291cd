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
        var vendor = request.Vendor;
        if (vendor.Count > 0)
        {
            ConsoleText.Line(console, "  - which vendored artifacts are uploaded: those whose shared/vendor/KEY a host lacks.");
            ConsoleText.Line(console, "");
            ConsoleText.Line(console, "Vendored artifacts (docs/build.md), linked into the release as vendor/PACKAGE:");
            foreach (var artifact in vendor)
            {
                ConsoleText.Line(console, "  " + VendorSource.Describe(artifact), artifact.Problem is null ? null : ConsoleText.Red);
            }
        }

        foreach (var host in plan.Hosts)
        {
            ConsoleText.Line(console, "");
            ConsoleText.Line(console, $"== {host.Host.DisplayName} ({host.DeployTo})");
            if (vendor.Where(a => a.IsFor(host.Host)).Select(a => $"{a.Package} {a.ShortKey}").ToList() is { Count: > 0 } needed)
            {
                ConsoleText.Line(console, $"-- vendor: {string.Join(", ", needed)}");
            }

            foreach (var step in host.Scripts)
            {
                ConsoleText.Line(console, $"-- {step.Phase}: {step.When}");
                foreach (var line in step.Script.ToString().Split('\n'))
                {
                    ConsoleText.Line(console, "   " + line);
                }
            }
        }

        // A deploy that would certainly fail says so, as a commit that does not resolve does.
        var failing = plan.Hosts.Where(h => vendor.Any(a => a.IsFor(h.Host) && a.Problem is not null)).Select(h => h.Host.DisplayName).ToList();
        if (failing.Count > 0)
        {
            var missing = vendor.Where(a => a.Problem is not null).Select(a => a.Package).ToList();
            ConsoleText.Error(console, $"a deploy would fail its update on {string.Join(", ", failing)}: vendored artifact{(missing.Count == 1 ? "" : "s")} " +
                $"{string.Join(", ", missing)} not available (above); run `slipway build {string.Join(" ", missing)}` first.");
            return ExitCodes.CommandFailed;
        }

        return ExitCodes.Success;
    }
}
