using System.Diagnostics;
using Slipway.Core.Config;
using Slipway.Deploy.Model;
using Slipway.Deploy.Scripts;
using Slipway.Deploy.Source;

namespace Slipway.Deploy.Execution;

public sealed partial class ReleaseManager
{
    /// <summary>The deploy transaction: check → update → barrier → publish → finish.</summary>
    public async Task<RunOutcome> DeployAsync(DeployRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var config = request.Config;
        var clock = Stopwatch.StartNew();
        var started = _time.GetUtcNow();
        // What was asked for names the deploy (as Capistrano's branch does): the revision when one was given.
        var reference = request.Revision ?? request.Branch ?? request.Stage.Branch;
        var branch = reference;
        RunOutcome Stop(string error, bool cancelled = false) => new()
        {
            Action = "deploy", Result = RunResult.NothingChanged, Branch = branch, Error = error, Cancelled = cancelled,
            Duration = clock.Elapsed,
        };

        if (string.IsNullOrEmpty(config.RepoUrl))
        {
            return Stop($"repo_url is not set in {config.SourceFile}; it says where the code to deploy comes from");
        }

        var strategy = config.SourceStrategy == "upload" ? SourceStrategy.Upload : SourceStrategy.Git;

        // Connect to every host while git works locally: the handshakes are the longest wait of a deploy.
        // A failure is reported by the check phase, which awaits the same connection.
        Slipway.Core.Diagnostics.Timeline.Mark("deploy: preconnect");
        Preconnect(request, ct);
        ResolvedSource source;
        try
        {
            source = await _source.ResolveAsync(strategy, RepoUrlFor(config)!, reference, Path.Combine(StateDir(config), "tmp"), ct);
        }
        catch (SourceException e)
        {
            return Stop(e.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return Stop("cancelled while resolving the revision; nothing was changed", cancelled: true);
        }

        Slipway.Core.Diagnostics.Timeline.Mark("deploy: resolved");
        try
        {
            using var log = OpenLog(config, request.Stage.Name, "deploy");
            var transaction = new DeployTransaction(this, request, source, strategy, branch, started, Runner(log), clock);
            var outcome = await transaction.RunAsync(ct);
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

    /// <summary>One deploy's state as it moves through the phases.</summary>
    private sealed class DeployTransaction(
        ReleaseManager m, DeployRequest request, ResolvedSource source, SourceStrategy strategy, string branch,
        DateTimeOffset started, ScriptRunner runner, Stopwatch clock)
    {
        private readonly SlipwayConfig _config = request.Config;
        private readonly List<HostRun> _runs = Runs(request);
        private readonly LockRecord _lock = m.NewLock(request.Stage.Name, "deploy", source.Commit, request.Message);
        private string _release = "";
        private LeaseKeeper? _keeper;
        private bool _publishFailed;
        private readonly HashSet<HostRun> _unpublished = [];

        private int Parallel => _config.Ssh.MaxParallel;

        public async Task<RunOutcome> RunAsync(CancellationToken ct)
        {
            var shortCommit = source.Commit[..Math.Min(7, source.Commit.Length)];
            m._reporter.Info($"deploying {branch} at {shortCommit} to {request.Stage.Name} ({Hosts(_runs.Count)}, {strategy.ToString().ToLowerInvariant()} strategy)");
            runner.Log.Note($"deploy {request.Stage.Name}: {branch} at {source.Commit} by {m._identity.User}@{m._identity.Machine}");

            // 1. Check: nothing changes until every host has passed.
            var failures = await m.AcquireAsync(request, _runs, _lock, verify: true, runner, ct);
            if (failures.Count > 0)
            {
                await m.ReleaseLocksAsync(request, _runs, _lock.Token, runner);
                m.AppendLocalHistory(_config, History(ct.IsCancellationRequested ? "cancelled" : "refused", failures[0].Message));
                return Outcome(RunResult.NothingChanged, failures, Unchanged("unchanged"), ct);
            }

            // The lock's lease is renewed from here until the run gives it back.
            _keeper = LeaseKeeper.Start(_runs, _lock, LockLease, m._time, runner, m._reporter);
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
            _release = ReleaseName.Next(m._time.GetUtcNow(), _runs.SelectMany(r => r.State.Releases.Select(x => x.Name)));
            var failures = ct.IsCancellationRequested ? CancelledAll(_runs, "update") : await m.PhaseAsync(_runs, "update", Parallel, UpdateAsync, ct);

            // 3. Barrier: publish only when every host is ready; otherwise remove the new release everywhere.
            if (failures.Count > 0)
            {
                return await AbortAsync(failures, ct);
            }

            // 4. Publish.
            failures = ct.IsCancellationRequested ? CancelledAll(_runs, "publish")
                : await m.PhaseAsync(_runs, "publish", request.PublishParallelism ?? Parallel, PublishAsync, ct);
            if (failures.Count > 0)
            {
                return await RevertAsync(failures, ct);
            }

            // 5. Finish: the deploy is committed; this runs to its end even after Ctrl-C.
            await StopRenewingAsync();
            using var finishing = new CancellationTokenSource(CompensationLimit);
            var history = History("succeeded", null);
            var finish = await m.PhaseAsync(_runs, "finish", Parallel, (run, t) => FinishAsync(run, history, t), finishing.Token);
            foreach (var f in finish)
            {
                m._reporter.Warning($"{f.Host.DisplayName}: the release is live, but finishing failed: {f.Message}");
            }

            m.AppendLocalHistory(_config, history);
            if (ct.IsCancellationRequested)
            {
                m._reporter.Warning("interrupted after every host had switched: the deploy stands, and was finished (history, cleanup, unlock)");
            }

            var reports = _runs.Select(r => new HostReport(r.Host, _release,
                r.State.Current is null ? "live: new release (first deploy)" : $"live: new release (previous {r.State.Current})")).ToList();
            return Outcome(RunResult.Succeeded, finish, reports, ct);
        }

        private async Task<HostFailure?> UpdateAsync(HostRun run, CancellationToken ct)
        {
            if (source.ArchivePath is not null)
            {
                await using var archive = File.OpenRead(source.ArchivePath);
                await run.Session!.UploadAsync(archive, run.Paths.Archive(_release), UnixFileMode.UserRead | UnixFileMode.UserWrite, ct);
            }

            var hooks = new HookSteps(Hooks(HookPoints.BeforeUpdate, run), Hooks(HookPoints.AfterUpdate, run));
            var links = new SharedLinks(_config.LinkedDirs, _config.LinkedFiles);
            var plan = new SourcePlan(strategy, RepoUrlFor(_config)!, source.CommitTime);
            var result = await runner.RunAsync(run.Session!, "update", DeployScripts.Update(Context(run), plan, links, hooks), ct);
            return Failed(run, "update", result, HookLabels(_config, run, request.Hosts));
        }

        private async Task<HostFailure?> PublishAsync(HostRun run, CancellationToken ct)
        {
            // Rolling: once a host has failed, the hosts still waiting keep serving the old release untouched.
            if (request.PublishParallelism == 1 && _publishFailed)
            {
                _unpublished.Add(run);
                return new HostFailure(run.Host, "publish", null, FailureKind.Cancelled, "not published: an earlier host failed its rolling publish", []);
            }

            var hooks = new HookSteps(Hooks(HookPoints.BeforePublish, run), Hooks(HookPoints.AfterPublish, run));
            var result = await runner.RunAsync(run.Session!, "publish", DeployScripts.Publish(Context(run), hooks, _lock.Token), ct);
            var failure = Failed(run, "publish", result, HookLabels(_config, run, request.Hosts));
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
            var line = RevisionsLog.Deployed(branch, source.Commit, _release, m._identity.User);
            var script = DeployScripts.Finish(run.Paths, _release, null, line, history.ToJson(), remove, _lock.Token);
            var result = await runner.RunAsync(run.Session!, "finish", script, ct);
            run.Locked = !result.Succeeded;
            return Failed(run, "finish", result);
        }

        /// <summary>Update failed somewhere: remove the new release from every host, unlock; current never moved.</summary>
        private async Task<RunOutcome> AbortAsync(List<HostFailure> failures, CancellationToken ct)
        {
            m._reporter.Info($"update failed on {Hosts(failures.Count)}; removing release {_release} from every host (current was not touched)");
            SecondInterruptNotice($"hosts may keep releases/{_release} (marked unfinished, removed by the next cleanup) and the lock (recovered by the next run here)", ct);
            using var compensation = new CancellationTokenSource(CompensationLimit);
            var history = History(ct.IsCancellationRequested ? "cancelled" : "failed", failures[0].Message);
            await StopRenewingAsync();
            var undo = await m.PhaseAsync(_runs.Where(r => r.Locked).ToList(), "undo", Parallel, async (run, t) =>
            {
                var script = DeployScripts.Abort(Context(run), history.ToJson(), Hooks(HookPoints.Failed, run), _lock.Token);
                var result = await runner.RunAsync(run.Session!, "undo", script, t);
                run.Locked = !result.Succeeded;
                return Failed(run, "undo", result);
            }, compensation.Token);
            m.AppendLocalHistory(_config, history);
            var reports = _runs.Select(r => undo.Any(u => u.Host == r.Host) || r.Locked
                ? new HostReport(r.Host, r.State.Current, $"UNKNOWN: could not clean up; may still hold releases/{_release} and the deploy lock ({Reason(undo, r)})")
                : new HostReport(r.Host, r.State.Current, "unchanged; new release removed")).ToList();
            return Outcome(reports.Any(r => r.Note.StartsWith("UNKNOWN", StringComparison.Ordinal)) ? RunResult.Incomplete : RunResult.RolledBack,
                failures, reports, ct);
        }

        /// <summary>Publish failed somewhere: every host back to its previous release, hooks rerun (unless --no-auto-rollback).</summary>
        private async Task<RunOutcome> RevertAsync(List<HostFailure> failures, CancellationToken ct)
        {
            using var compensation = new CancellationTokenSource(CompensationLimit);
            var history = History(ct.IsCancellationRequested ? "cancelled" : "failed", failures[0].Message);
            if (request.NoAutoRollback)
            {
                m._reporter.Warning("publish failed; --no-auto-rollback: leaving every host as it is now");
                await StopRenewingAsync();
                await m.ReleaseLocksAsync(request, _runs, _lock.Token, runner);
                m.AppendLocalHistory(_config, history);
                var listed = await m.ListAsync(request, runner, compensation.Token);
                return Outcome(RunResult.Incomplete, failures,
                    [.. listed.Select(l => new HostReport(l.Host, l.State?.Current, l.State is null ? "UNKNOWN: unreachable" : "left as is (no auto rollback)"))], ct);
            }

            m._reporter.Info($"publish failed on {Hosts(failures.Count)}; switching every host back to its previous release");
            SecondInterruptNotice($"some hosts may stay on release {_release} while others are back; run slipway releases, then rollback", ct);
            var revert = await m.PhaseAsync(_runs, "revert", Parallel, async (run, t) =>
            {
                // A host a rolling publish never reached still runs the old code: nothing to restart there.
                var hooks = _unpublished.Contains(run) ? [] : Hooks(HookPoints.AfterPublish, run);
                var script = DeployScripts.Revert(Context(run), run.State.Current, _release, hooks, _lock.Token);
                var result = await runner.RunAsync(run.Session!, "revert", script, t);
                return Failed(run, "revert", result, HookLabels(_config, run, request.Hosts));
            }, compensation.Token);
            await StopRenewingAsync();
            await m.PhaseAsync(_runs.Where(r => r.Locked).ToList(), "unlock", Parallel, async (run, t) =>
            {
                var script = new Script()
                    .Add(Slipway.Core.Shell.ShellCommand.Create($"printf '%s\\n' {history.ToJson()} >> {run.Paths.History}"))
                    .Add(DeployScripts.Unlock(run.Paths, _lock.Token))
                    .Build();
                var result = await runner.RunAsync(run.Session!, "unlock", script, t);
                run.Locked = !result.Succeeded;
                return Failed(run, "unlock", result);
            }, compensation.Token);
            m.AppendLocalHistory(_config, history);
            var reports = _runs.Select(r => revert.FirstOrDefault(f => f.Host == r.Host) is { } f
                ? new HostReport(r.Host, null, $"UNKNOWN: switching back failed ({f.Message}); may be serving release {_release}")
                : new HostReport(r.Host, r.State.Current, r.State.Current is null
                    ? $"back to no release (first deploy); {_release} marked bad"
                    : $"back on previous release; {_release} marked bad")).ToList();
            var allBack = revert.Count == 0;
            return Outcome(allBack ? RunResult.RolledBack : RunResult.Incomplete, [.. failures, .. revert], reports, ct);
        }

        private void SecondInterruptNotice(string state, CancellationToken ct)
        {
            if (ct.IsCancellationRequested)
            {
                m._reporter.Warning($"interrupted: undoing now; Ctrl-C again stops at once and {state}");
            }
        }

        private ReleaseContext Context(HostRun run) =>
            new(run.Paths, request.Stage.Name, _release, source.Commit, branch, run.State.Current, run.Host.DisplayName);

        private IReadOnlyList<HookConfig> Hooks(string point, HostRun run) => HookPlanner.For(_config, point, run.Host, request.Hosts);

        private List<HostReport> Unchanged(string note) => [.. _runs.Select(r => new HostReport(r.Host, r.State.Current, note))];

        private HistoryEntry History(string result, string? error) => new()
        {
            Action = "deploy",
            Stage = request.Stage.Name,
            Result = result,
            User = m._identity.User,
            Machine = m._identity.Machine,
            Started = started,
            DurationMs = (long)clock.Elapsed.TotalMilliseconds,
            Release = _release,
            Commit = source.Commit,
            Branch = branch,
            PreviousRelease = _runs.Select(r => r.State.Current).FirstOrDefault(c => c is not null),
            Message = request.Message,
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

        private static string Reason(List<HostFailure> undo, HostRun run) =>
            undo.FirstOrDefault(u => u.Host == run.Host)?.Message ?? "unreachable";
    }

    private static string Hosts(int count) => count == 1 ? "1 host" : $"{count} hosts";
}
