using System.Diagnostics;
using Slipway.Core.Config;
using Slipway.Core.Shell;
using Slipway.Deploy.Model;
using Slipway.Deploy.Scripts;
using Slipway.Deploy.Source;
using Slipway.Remote;

namespace Slipway.Deploy.Execution;

/// <summary>
/// One deploy's transaction as it moves through the phases: check → update → barrier → publish → finish, with the
/// undo paths (abort after a failed update, revert after a failed publish). Its collaborators come in a
/// <see cref="RunScope"/>: the phases over the hosts, the locks, this machine's records and the run's script _runner.
/// </summary>
internal sealed class DeployTransaction(RunScope scope, DeploySource origin, ResolvedSource source, string branch, DateTimeOffset started, Stopwatch clock)
{
    private readonly DeployRequest _request = scope.Request;
    private readonly ScriptRunner _runner = scope.Runner;
    private readonly SourceStrategy _strategy = origin.Strategy;
    private readonly SlipwayConfig _config = scope.Request.Config;
    private readonly List<HostRun> _runs = scope.NewRuns();
    private readonly LockRecord _lock = scope.Locks.NewLock(scope.Request.Stage.Name, "deploy", source.Commit, scope.Request.Message);
    private string _release = "";
    private LeaseKeeper? _keeper;
    private bool _publishFailed;
    private readonly HashSet<HostRun> _unpublished = [];

    private int Parallel => _config.Ssh.MaxParallel;

    public async Task<RunOutcome> RunAsync(CancellationToken ct)
    {
        var shortCommit = source.Commit[..Math.Min(7, source.Commit.Length)];
        scope.Reporter.Info($"deploying {branch} at {shortCommit} to {_request.Stage.Name} ({PhaseResults.Hosts(_runs.Count)}, {_strategy.ToString().ToLowerInvariant()} strategy)");
        _runner.Log.Note($"deploy {_request.Stage.Name}: {branch} at {source.Commit} by {scope.Identity.User}@{scope.Identity.Machine}");

        // 1. Check: nothing changes until every host has passed.
        var failures = await scope.Locks.AcquireAsync(_request, _runs, _lock, verify: true, _runner, ct);
        if (failures.Count > 0)
        {
            await scope.Locks.ReleaseAsync(_request, _runs, _lock.Token, _runner);
            scope.Records.AppendHistory(History(ct.IsCancellationRequested ? "cancelled" : "refused", failures[0].Message));
            return Outcome(RunResult.NothingChanged, failures, Unchanged("unchanged"), ct);
        }

        // The lock's lease is renewed from here until the run gives it back.
        _keeper = LeaseKeeper.Start(_runs, _lock, ReleaseManager.LockLease, scope.Time, _runner, scope.Reporter);
        try
        {
            return await UpdateAndPublishAsync(ct);
        }
        finally
        {
            await StopRenewingAsync();
        }
    }

    private async Task StopRenewingAsync()
    {
        if (_keeper is not null)
        {
            await _keeper.DisposeAsync();
            _keeper = null;
        }
    }

    private async Task<RunOutcome> UpdateAndPublishAsync(CancellationToken ct)
    {
        // 2. Update, every host in parallel.
        _release = ReleaseName.Next(scope.Time.GetUtcNow(), _runs.SelectMany(r => r.State.Releases.Select(x => x.Name)));
        var failures = ct.IsCancellationRequested ? PhaseResults.CancelledAll(_runs, "update") : await scope.Phases.RunAsync(_runs, "update", Parallel, UpdateAsync, ct);

        // 3. Barrier: publish only when every host is ready; otherwise remove the new release everywhere.
        if (failures.Count > 0)
        {
            return await AbortAsync(failures, ct);
        }

        // 4. Publish.
        failures = ct.IsCancellationRequested ? PhaseResults.CancelledAll(_runs, "publish")
            : await scope.Phases.RunAsync(_runs, "publish", _request.PublishParallelism ?? Parallel, PublishAsync, ct);
        if (failures.Count > 0)
        {
            return await RevertAsync(failures, ct);
        }

        // 5. Finish: the deploy is committed; this runs to its end even after Ctrl-C.
        await StopRenewingAsync();
        using var finishing = new CancellationTokenSource(scope.Compensation);
        var history = History("succeeded", null);
        var finish = await scope.Phases.RunAsync(_runs, "finish", Parallel, (run, t) => FinishAsync(run, history, t), finishing.Token);
        foreach (var f in finish)
        {
            scope.Reporter.Warning($"{f.Host.DisplayName}: the release is live, but finishing failed: {f.Message}");
        }

        scope.Records.AppendHistory(history);
        if (ct.IsCancellationRequested)
        {
            scope.Reporter.Warning("interrupted after every host had switched: the deploy stands, and was finished (history, cleanup, unlock)");
        }

        var reports = _runs.Select(r => new HostReport(r.Host, _release, HostFate.Done,
            r.State.Current is null ? "live: new release (first deploy)" : $"live: new release (previous {r.State.Current})")).ToList();
        return Outcome(RunResult.Succeeded, finish, reports, ct);
    }

    private async Task<HostFailure?> UpdateAsync(HostRun run, CancellationToken ct)
    {
        if (source.ArchivePath is not null)
        {
            await using var archive = File.OpenRead(source.ArchivePath);
            try
            {
                await run.Session!.UploadAsync(archive, run.Paths.Archive(_release), UnixFileMode.UserRead | UnixFileMode.UserWrite, ct);
            }
            catch (RemoteUploadException e)
            {
                // The host answered: a full disk is this host's failed step (exit 1), not a lost host.
                return new HostFailure(run.Host, "update", "upload", FailureKind.StepFailed, $"upload of the release to {e.Path} failed: {e.Reason}", []);
            }
        }

        var vendor = await VendorAsync(run, ct);
        if (vendor.Failure is not null)
        {
            return vendor.Failure;
        }

        var hooks = new HookSteps(Hooks(HookPoints.BeforeUpdate, run), Hooks(HookPoints.AfterUpdate, run));
        var links = new SharedLinks(_config.LinkedDirs, _config.LinkedFiles);
        var plan = new SourcePlan(_strategy, origin.RepoUrl!, source.CommitTime);
        var result = await _runner.RunAsync(run.Session!, "update", DeployScripts.Update(Context(run), plan, links, hooks, vendor.Step), ct);
        var labels = PhaseResults.HookLabels(_config, run, _request.Hosts);
        return PhaseResults.Failed(run, "update", result, step => step == "vendor" ? "installing the vendored artifacts" : labels(step));
    }

    /// <summary>
    /// The vendored artifacts this host's roles need: one that could not be found fails the host before anything changes
    /// on it; keys already unpacked on the host are reused; the others are uploaded, to be checked and unpacked by the
    /// update script's <c>vendor</c> step.
    /// </summary>
    private async Task<(ShellCommand? Step, HostFailure? Failure)> VendorAsync(HostRun run, CancellationToken ct)
    {
        var needed = _request.Vendor.Where(a => a.IsFor(run.Host)).ToList();
        if (needed.Count == 0)
        {
            return (null, null);
        }

        if (needed.FirstOrDefault(a => a.Problem is not null || a.Tarball is null) is { } unusable)
        {
            return (null, new HostFailure(run.Host, "update", "vendor", FailureKind.StepFailed,
                $"vendored artifact {unusable.Package} {unusable.ShortKey}: {unusable.Problem ?? "no tarball"}", []));
        }

        var probe = await _runner.RunAsync(run.Session!, "vendor", VendorScripts.Probe(run.Paths, needed), ct);
        if (PhaseResults.Failed(run, "update", probe) is { } failed)
        {
            return (null, failed);
        }

        var missing = probe.Values(VendorScripts.MissingKey).ToHashSet(StringComparer.Ordinal);
        var install = needed.Where(a => missing.Contains(a.Key)).DistinctBy(a => a.Key).ToList();
        foreach (var artifact in install)
        {
            await using var tarball = File.OpenRead(artifact.Tarball!);
            await run.Session!.UploadAsync(tarball, run.Paths.VendorIncoming(artifact.Key), UnixFileMode.UserRead | UnixFileMode.UserWrite, ct);
        }

        var reused = needed.Count - install.Count;
        var uploaded = install.Count == 0 ? "0 uploaded" : $"{install.Count} uploaded ({string.Join(", ", install.Select(a => a.Package))})";
        var line = $"{run.Host.DisplayName}: vendor: {uploaded}, {reused} already there";
        _runner.Log.Note(line);
        scope.Reporter.Info(line);

        return (VendorScripts.Install(run.Paths, run.Paths.Release(_release), install, needed), null);
    }

    private async Task<HostFailure?> PublishAsync(HostRun run, CancellationToken ct)
    {
        // Rolling: once a host has failed, the hosts still waiting keep serving the old release untouched.
        if (_request.PublishParallelism == 1 && _publishFailed)
        {
            _unpublished.Add(run);
            return new HostFailure(run.Host, "publish", null, FailureKind.Cancelled, "not published: an earlier host failed its rolling publish", []);
        }

        var hooks = new HookSteps(Hooks(HookPoints.BeforePublish, run), Hooks(HookPoints.AfterPublish, run));
        var result = await _runner.RunAsync(run.Session!, "publish", DeployScripts.Publish(Context(run), hooks, _lock.Token), ct);
        var failure = PhaseResults.Failed(run, "publish", result, PhaseResults.HookLabels(_config, run, _request.Hosts));
        _publishFailed |= failure is not null;
        return failure;
    }

    private async Task<HostFailure?> FinishAsync(HostRun run, HistoryEntry history, CancellationToken ct)
    {
        var after = run.State with
        {
            Current = _release,
            Releases = [.. run.State.Releases, new ReleaseInfo(_release, ReleaseState.Ok, source.Commit)],
        };
        var remove = CleanupPlanner.Select(after, _config.KeepReleases, [_release]);
        var line = RevisionsLog.Deployed(branch, source.Commit, _release, scope.Identity.User);
        var script = DeployScripts.Finish(run.Paths, _release, null, line, history.ToJson(), remove, _lock.Token);
        var result = await _runner.RunAsync(run.Session!, "finish", script, ct);
        run.Locked = !result.Succeeded;
        return PhaseResults.Failed(run, "finish", result);
    }

    /// <summary>Update failed somewhere: remove the new release from every host, unlock; current never moved.</summary>
    private async Task<RunOutcome> AbortAsync(List<HostFailure> failures, CancellationToken ct)
    {
        scope.Reporter.Info($"update failed on {PhaseResults.Hosts(failures.Count)}; removing release {_release} from every host (current was not touched)");
        SecondInterruptNotice($"hosts may keep releases/{_release} (marked unfinished, removed by the next cleanup) and the lock (recovered by the next run here)", ct);
        using var compensation = new CancellationTokenSource(scope.Compensation);
        var history = History(ct.IsCancellationRequested ? "cancelled" : "failed", failures[0].Message);
        await StopRenewingAsync();
        var undo = await scope.Phases.RunAsync(_runs.Where(r => r.Locked).ToList(), "undo", Parallel, async (run, t) =>
        {
            var script = DeployScripts.Abort(Context(run), history.ToJson(), Hooks(HookPoints.Failed, run), _lock.Token);
            var result = await _runner.RunAsync(run.Session!, "undo", script, t);
            run.Locked = !result.Succeeded;
            return PhaseResults.Failed(run, "undo", result);
        }, compensation.Token);
        scope.Records.AppendHistory(history);
        var reports = _runs.Select(r => undo.Any(u => u.Host == r.Host) || r.Locked
            ? new HostReport(r.Host, r.State.Current, HostFate.Unknown,
                UndoFailed(r, undo.FirstOrDefault(u => u.Host == r.Host), failures.Any(f => f.Host == r.Host && f.Kind is FailureKind.Unreachable or FailureKind.TimedOut)))
            : new HostReport(r.Host, r.State.Current, HostFate.Unchanged, "unchanged; new release removed")).ToList();
        // A host lost while undoing counts as lost (exit 3) as much as one lost during the update.
        return Outcome(reports.Any(r => r.Fate == HostFate.Unknown) ? RunResult.Incomplete : RunResult.RolledBack,
            [.. failures, .. undo], reports, ct);
    }

    /// <summary>What a host left by a failed undo serves, what it may keep, and the command that repairs it.</summary>
    private string UndoFailed(HostRun run, HostFailure? failure, bool lostBefore)
    {
        var serves = run.State.Current is { } current ? $"still serves {current}" : "still serves no release";
        var what = failure?.Kind is FailureKind.Unreachable or FailureKind.TimedOut
            ? lostBefore ? "LOST" : "LOST while undoing"
            : $"UNKNOWN: could not clean up ({failure?.Message ?? "unreachable"})";
        return $"{what}: {serves} (current was never moved); may keep releases/{_release} (unfinished, never rolled back to, " +
            $"removed by the next cleanup) and the deploy lock; once it is reachable, run: slipway unlock {_request.Stage.Name}";
    }

    /// <summary>Publish failed somewhere: every host back to its previous release, hooks rerun (unless --no-auto-rollback).</summary>
    private async Task<RunOutcome> RevertAsync(List<HostFailure> failures, CancellationToken ct)
    {
        using var compensation = new CancellationTokenSource(scope.Compensation);
        var history = History(ct.IsCancellationRequested ? "cancelled" : "failed", failures[0].Message);
        if (_request.NoAutoRollback)
        {
            scope.Reporter.Warning("publish failed; --no-auto-rollback: leaving every host as it is now");
            await StopRenewingAsync();
            await scope.Locks.ReleaseAsync(_request, _runs, _lock.Token, _runner);
            scope.Records.AppendHistory(history);
            var listed = await ReleaseManager.ListAsync(scope, compensation.Token);
            return Outcome(RunResult.Incomplete, failures,
                [.. listed.Select(l => l.State is null
                ? new HostReport(l.Host, null, HostFate.Unknown, "UNKNOWN: unreachable")
                : new HostReport(l.Host, l.State.Current, HostFate.LeftAsIs, "left as is (no auto rollback)"))], ct);
        }

        scope.Reporter.Info($"publish failed on {PhaseResults.Hosts(failures.Count)}; switching every host back to its previous release");
        SecondInterruptNotice($"some hosts may stay on release {_release} while others are back; run slipway releases, then rollback", ct);
        var switchedBack = new HashSet<HostRun>();
        var revert = await scope.Phases.RunAsync(_runs, "revert", Parallel, async (run, t) =>
        {
            // A host a rolling publish never reached still runs the old code: nothing to restart there.
            var hooks = _unpublished.Contains(run) ? [] : Hooks(HookPoints.AfterPublish, run);
            var script = DeployScripts.Revert(Context(run), run.State.Current, _release, hooks, _lock.Token);
            var progress = new ScriptRun();
            try
            {
                var result = await _runner.RunAsync(run.Session!, "revert", script, progress, t);
                return PhaseResults.Failed(run, "revert", result, PhaseResults.HookLabels(_config, run, _request.Hosts));
            }
            finally
            {
                // Lost or failed part-way: whether the host got as far as switching back decides what it serves now.
                if (progress.Passed("switch-back"))
                {
                    lock (switchedBack)
                    {
                        switchedBack.Add(run);
                    }
                }
            }
        }, compensation.Token);
        await StopRenewingAsync();
        await scope.Phases.RunAsync(_runs.Where(r => r.Locked).ToList(), "unlock", Parallel, async (run, t) =>
        {
            var script = new Script()
                .Add(ShellCommand.Create($"printf '%s\\n' {history.ToJson()} >> {run.Paths.History}"))
                .Add(DeployScripts.Unlock(run.Paths, _lock.Token))
                .Build();
            var result = await _runner.RunAsync(run.Session!, "unlock", script, t);
            run.Locked = !result.Succeeded;
            return PhaseResults.Failed(run, "unlock", result);
        }, compensation.Token);
        scope.Records.AppendHistory(history);
        var reports = _runs.Select(r => revert.FirstOrDefault(f => f.Host == r.Host) is { } f
            ? RevertFailed(r, f, switchedBack.Contains(r))
            : new HostReport(r.Host, r.State.Current, HostFate.Unchanged, r.State.Current is null
                ? $"back to no release (first deploy); {_release} marked bad"
                : $"back on previous release; {_release} marked bad")).ToList();
        var allBack = revert.Count == 0;
        return Outcome(allBack ? RunResult.RolledBack : RunResult.Incomplete, [.. failures, .. revert], reports, ct);
    }

    /// <summary>What a host whose switch-back failed or was cut off serves now, and the one command that repairs it.</summary>
    private HostReport RevertFailed(HostRun run, HostFailure failure, bool switchedBack)
    {
        var what = failure.Kind is FailureKind.Unreachable or FailureKind.TimedOut
            ? "LOST while switching back"
            : $"switching back failed ({failure.Message})";
        var previous = run.State.Current;
        var repair = previous is null
            ? $"once it is reachable, run: slipway deploy {_request.Stage.Name} (a fixed commit; there is no earlier release)"
            : $"once it is reachable, run: slipway rollback {_request.Stage.Name} --to {previous}";
        return switchedBack
            ? new HostReport(run.Host, previous, HostFate.Unknown,
                $"{what}: back on {previous ?? "no release (current removed)"}, but its after_publish hooks may not have finished; {repair}")
            : new HostReport(run.Host, null, HostFate.Unknown, $"{what}: may still serve {_release}; {repair}");
    }

    private void SecondInterruptNotice(string state, CancellationToken ct)
    {
        if (ct.IsCancellationRequested)
        {
            scope.Reporter.Warning($"interrupted: undoing now; Ctrl-C again stops at once and {state}");
        }
    }

    private ReleaseContext Context(HostRun run) =>
        new(run.Paths, _request.Stage.Name, _release, source.Commit, branch, run.State.Current, run.Host.DisplayName);

    private IReadOnlyList<HookConfig> Hooks(string point, HostRun run) => HookPlanner.For(_config, point, run.Host, _request.Hosts);

    private List<HostReport> Unchanged(string note) => [.. _runs.Select(r => new HostReport(r.Host, r.State.Current, HostFate.Unchanged, note))];

    private HistoryEntry History(string result, string? error) => new()
    {
        Action = "deploy",
        Stage = _request.Stage.Name,
        Result = result,
        User = scope.Identity.User,
        Machine = scope.Identity.Machine,
        Started = started,
        DurationMs = (long)clock.Elapsed.TotalMilliseconds,
        Release = _release,
        Commit = source.Commit,
        Branch = branch,
        PreviousRelease = _runs.Select(r => r.State.Current).FirstOrDefault(c => c is not null),
        Message = _request.Message,
        Hosts = [.. _runs.Select(r => r.Host.DisplayName)],
        Error = error,
    };

    private RunOutcome Outcome(RunResult result, IReadOnlyList<HostFailure> failures, IReadOnlyList<HostReport> hosts, CancellationToken ct) => new()
    {
        Action = "deploy",
        Result = result,
        Release = _release.Length == 0 ? null : _release,
        Commit = source.Commit,
        Branch = branch,
        Failures = failures,
        Hosts = hosts,
        Cancelled = ct.IsCancellationRequested,
        Duration = clock.Elapsed,
    };
}
