using Slipway.Core.Config;
using Slipway.Core.Layout;
using Slipway.Core.Shell;
using Slipway.Deploy.Execution;
using Slipway.Deploy.Scripts;

namespace Slipway.Deploy.Model;

/// <summary>One script a host would run in a deploy, for <c>--dry-run</c>.</summary>
public sealed record PlannedScript(string Phase, ShellCommand Script, string When);

/// <summary>
/// The scripts a deploy would run on each host, built by the same code the real deploy uses. Values that only the hosts
/// can tell (the previous release, whether the lock is free, whether checks pass) are shown as placeholders. Pure.
/// </summary>
public static class DryRunPlanner
{
    public const string PreviousPlaceholder = "<previous: read from current in the check phase>";

    public static IReadOnlyList<PlannedScript> Plan(
        DeployRequest request, HostConfig host, string release, string commit, string branch, SourcePlan source)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(source);
        var config = request.Config;
        var paths = HostLayout.For(config, host);
        var context = new ReleaseContext(paths, request.Stage.Name, release, commit, branch, PreviousPlaceholder, host.DisplayName);
        var record = new LockRecord
        {
            Token = "<token>", User = "<you>", Machine = "<this machine>", Pid = 0, Stage = request.Stage.Name, Action = "deploy",
            Commit = commit, Message = request.Message, Started = DateTimeOffset.UnixEpoch, Expires = DateTimeOffset.UnixEpoch,
        };
        IReadOnlyList<HookConfig> Hooks(string point) => HookPlanner.For(config, point, host, request.Hosts);
        var scripts = new List<PlannedScript>
        {
            new("check", DeployScripts.Check(paths, record, config.LinkedFiles, HookPlanner.Requirements(config, host)),
                "always; stops everything if the lock is held or anything is missing on any host"),
        };
        if (source.Strategy == SourceStrategy.Upload)
        {
            scripts.Add(new("upload", ShellCommand.Create($"cat > {paths.Archive(release)}"), "the archive made locally with git archive, written atomically"));
        }

        scripts.Add(new("update", DeployScripts.Update(context, source, new SharedLinks(config.LinkedDirs, config.LinkedFiles),
            new HookSteps(Hooks(HookPoints.BeforeUpdate), Hooks(HookPoints.AfterUpdate))), "when every host passed check"));
        scripts.Add(new("publish", DeployScripts.Publish(context, new HookSteps(Hooks(HookPoints.BeforePublish), Hooks(HookPoints.AfterPublish)), "<token>"),
            "only when every host finished update (otherwise: the undo script removes the release everywhere)"));
        scripts.Add(new("finish", DeployScripts.Finish(paths, release, null, RevisionsLog.Deployed(branch, commit, release, "<you>"),
            "<history entry>", ["<releases beyond keep_releases, decided from the host's listing>"], "<token>"),
            "when every host published (otherwise: every host is switched back to its previous release)"));
        return scripts;
    }
}
