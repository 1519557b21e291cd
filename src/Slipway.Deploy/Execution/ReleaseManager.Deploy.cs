using System.Diagnostics;
using Slipway.Core.Config;
using Slipway.Core.Diagnostics;
using Slipway.Core.Layout;
using Slipway.Deploy.Model;
using Slipway.Deploy.Scripts;
using Slipway.Deploy.Source;

namespace Slipway.Deploy.Execution;

/// <summary>What <c>deploy --dry-run</c> shows: the commit, the release name it would get here, and each host's scripts.</summary>
public sealed record DryRunPlan(string Branch, string Commit, string Release, IReadOnlyList<DryRunHost> Hosts);

/// <summary>One host's part of a dry run: where it deploys to and the scripts it would run.</summary>
public sealed record DryRunHost(HostConfig Host, string DeployTo, IReadOnlyList<PlannedScript> Scripts);

public sealed partial class ReleaseManager
{
    /// <summary>The deploy transaction: resolves the commit locally (connecting meanwhile), then runs <see cref="DeployTransaction"/>.</summary>
    public async Task<RunOutcome> DeployAsync(DeployRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var config = request.Config;
        var clock = Stopwatch.StartNew();
        var started = time.GetUtcNow();
        // What was asked for names the deploy (as Capistrano's branch does): the revision when one was given.
        var branch = request.Revision ?? request.Branch ?? request.Stage.Branch;
        RunOutcome Stop(string error, bool cancelled = false) => new()
        {
            Action = "deploy", Result = RunResult.NothingChanged, Branch = branch, Error = error, Cancelled = cancelled,
            Duration = clock.Elapsed,
        };

        var origin = DeploySource.For(config);
        if (string.IsNullOrEmpty(origin.RepoUrl))
        {
            return Stop(DeploySource.MissingRepoUrl(config));
        }

        // Connect to every host while git works locally: the handshakes are the longest wait of a deploy.
        // A failure is reported by the check phase, which awaits the same connection.
        Timeline.Mark("deploy: preconnect");
        var phases = new HostPhases(sessions, request.Reporter, config.PhaseTimeouts);
        phases.Preconnect(request.Hosts, ct);
        ResolvedSource source;
        try
        {
            source = await Resolver(origin).ResolveAsync(origin.Strategy, origin.RepoUrl, branch, LocalState.For(config).Tmp, ct);
        }
        catch (SourceException e)
        {
            return Stop(e.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return Stop("cancelled while resolving the revision; nothing was changed", cancelled: true);
        }

        Timeline.Mark("deploy: resolved");
        try
        {
            var scope = Scope(request, "deploy", phases);
            using var log = scope.Runner.Log;
            var outcome = await new DeployTransaction(scope, origin, source, branch, started, clock).RunAsync(ct);
            return outcome with { LogPath = log.Path };
        }
        finally
        {
            if (source.ArchivePath is not null)
            {
                File.Delete(source.ArchivePath);
            }
        }
    }

    /// <summary>
    /// <c>deploy --dry-run</c>: resolves the commit locally as the deploy would and plans every host's scripts, without
    /// connecting to any host (so it needs no manager, nor its sessions).
    /// </summary>
    public static async Task<DryRunPlan> PlanDryRunAsync(DeployRequest request, TimeProvider time, ILocalGit? git, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(request);
        var config = request.Config;
        var branch = request.Branch ?? request.Stage.Branch;
        var origin = DeploySource.For(config);
        if (string.IsNullOrEmpty(origin.RepoUrl))
        {
            throw new SourceException(DeploySource.MissingRepoUrl(config));
        }

        var source = await origin.Resolver(git).ResolveAsync(origin.Strategy, origin.RepoUrl, request.Revision ?? branch, Path.GetTempPath(), ct);
        if (source.ArchivePath is not null)
        {
            File.Delete(source.ArchivePath);
        }

        var release = ReleaseName.For(time.GetUtcNow());
        var plan = new SourcePlan(origin.Strategy, origin.RepoUrl, source.CommitTime);
        return new DryRunPlan(branch, source.Commit, release, [.. request.Hosts.Select(h =>
            new DryRunHost(h, HostLayout.For(config, h).DeployTo, DryRunPlanner.Plan(request, h, release, source.Commit, branch, plan)))]);
    }
}
