using Slipway.Cli.Output;
using Slipway.Deploy.Execution;
using Slipway.Deploy.Model;
using Slipway.Deploy.Scripts;
using Slipway.Deploy.Source;
using Spectre.Console;

namespace Slipway.Cli.Commands.Deploy;

/// <summary>
/// <c>deploy --dry-run</c>: resolves the commit locally (as the deploy would) and prints every script per host without
/// connecting to any. It says plainly what only the hosts can decide, rather than pretending every check passes.
/// </summary>
internal static class DryRun
{
    public static async Task<int> PrintAsync(IAnsiConsole console, DeployRequest request, CancellationToken ct)
    {
        var config = request.Config;
        var branch = request.Branch ?? request.Stage.Branch;
        var strategy = config.SourceStrategy == "upload" ? SourceStrategy.Upload : SourceStrategy.Git;
        ResolvedSource source;
        try
        {
            source = await new SourceResolver(new LocalGit(), ReleaseManager.SourceCacheDir(config))
                .ResolveAsync(strategy, ReleaseManager.RepoUrlFor(config)!, request.Revision ?? branch, Path.GetTempPath(), ct);
        }
        catch (SourceException e)
        {
            ConsoleText.Error(console, e.Message);
            return ExitCodes.CommandFailed;
        }

        if (source.ArchivePath is not null)
        {
            File.Delete(source.ArchivePath);
        }

        var release = ReleaseName.For(TimeProvider.System.GetUtcNow());
        ConsoleText.Line(console, $"dry run: deploy {branch} at {source.Commit} to {request.Stage.Name} ({request.Hosts.Count} host(s)); nothing is changed, no host is contacted.");
        if (request.PublishParallelism == 1)
        {
            var rolling = string.Join(", ", config.Processes.Where(p => p.Rolling).Select(p => p.Name));
            ConsoleText.Line(console, $"Publish is rolling (rolling: true on {rolling}): one host at a time, in the order below; each switches, " +
                "restarts and passes its health checks before the next starts. If one fails, the hosts not yet published are left alone " +
                "and every host already published is switched back.");
        }

        ConsoleText.Line(console, "Decided only on the hosts, at run time:");
        ConsoleText.Line(console, "  - whether the deploy lock is free, and whether each check passes (the check script reports every miss);");
        ConsoleText.Line(console, $"  - the release name: {release} here, or one second after the newest release a host already has;");
        ConsoleText.Line(console, "  - the previous release (SLIPWAY_PREVIOUS_RELEASE), read from each host's current link;");
        ConsoleText.Line(console, "  - which old releases cleanup removes (unfinished and bad first, never the live or previous one).");
        var plan = new SourcePlan(strategy, ReleaseManager.RepoUrlFor(config)!, source.CommitTime);
        foreach (var host in request.Hosts)
        {
            ConsoleText.Line(console, "");
            ConsoleText.Line(console, $"== {host.DisplayName} ({ReleaseManager.PathsFor(config, host).DeployTo})");
            foreach (var step in DryRunPlanner.Plan(request, host, release, source.Commit, branch, plan))
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
