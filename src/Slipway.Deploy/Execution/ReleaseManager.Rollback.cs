using System.Diagnostics;
using Slipway.Core.Config;
using Slipway.Deploy.Model;
using Slipway.Deploy.Scripts;

namespace Slipway.Deploy.Execution;

public sealed partial class ReleaseManager
{
    /// <summary>
    /// Every host back to the previous good release (or <see cref="DeployRequest.To"/>), atomically, with the
    /// after_publish and after_rollback hooks. Refused when hosts disagree about what is live, unless forced. The
    /// release rolled back from is marked bad, so it is never a rollback target again.
    /// </summary>
    public async Task<RunOutcome> RollbackAsync(DeployRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        var started = time.GetUtcNow();
        var config = request.Config;
        var scope = Scope(request, "rollback");
        using var log = scope.Runner.Log;
        var runner = scope.Runner;
        var reporter = scope.Reporter;
        var runs = scope.NewRuns();
        var record = scope.Locks.NewLock(request.Stage.Name, "rollback", null, request.Message);
        var parallel = scope.Parallel;
        RunOutcome Result(RunResult result, IReadOnlyList<HostFailure> failures, IReadOnlyList<HostReport> hosts, string? release = null, string? error = null) => new()
        {
            Action = "rollback", Result = result, Failures = failures, Hosts = hosts, Release = release, Error = error,
            Cancelled = ct.IsCancellationRequested, Duration = clock.Elapsed, LogPath = log.Path,
        };
        List<HostReport> Unchanged() => [.. runs.Select(r => new HostReport(r.Host, r.State.Current, HostFate.Unchanged, "unchanged"))];

        var failures = await scope.Locks.AcquireAsync(request, runs, record, verify: false, runner, ct);
        var (targets, error) = failures.Count == 0 ? PlanRollback(request, runs) : (null, null);
        if (failures.Count > 0 || targets is null)
        {
            await scope.Locks.ReleaseAsync(request, runs, record.Token, runner);
            return Result(RunResult.NothingChanged, failures, Unchanged(), error: error);
        }

        // The lock's lease is renewed until the run gives it back (a slow after_rollback hook is not a dead run).
        await using var keeper = LeaseKeeper.Start(runs, record, LockLease, time, runner, reporter);
        var target = targets.Values.First();
        var from = runs.Select(r => r.State.Current).First(c => c is not null)!;
        reporter.Info($"rolling back {request.Stage.Name} to release {target} ({PhaseResults.Hosts(runs.Count)})");
        ReleaseContext Context(HostRun run) => new(run.Paths, request.Stage.Name, targets[run.Host],
            run.State.Find(targets[run.Host])?.Revision ?? "", request.Stage.Branch, run.State.Current, run.Host.DisplayName, "rollback");
        IReadOnlyList<HookConfig> Hooks(string point, HostRun run) => HookPlanner.For(config, point, run.Host, request.Hosts);

        // Rolling processes restart host after host here too, so the others keep serving.
        failures = ct.IsCancellationRequested ? PhaseResults.CancelledAll(runs, "publish") : await scope.Phases.RunAsync(runs, "publish", request.PublishParallelism ?? parallel, async (run, t) =>
        {
            var hooks = new HookSteps(Hooks(HookPoints.BeforeRollback, run), [.. Hooks(HookPoints.AfterPublish, run), .. Hooks(HookPoints.AfterRollback, run)]);
            var result = await runner.RunAsync(run.Session!, "publish", DeployScripts.Publish(Context(run), hooks, record.Token), t);
            foreach (var info in result.Values("info"))
            {
                reporter.Info($"{run.Host.DisplayName}: {info}");
            }

            foreach (var warning in result.Values("warning"))
            {
                reporter.Warning($"{run.Host.DisplayName}: {warning}");
            }

            return PhaseResults.Failed(run, "publish", result, PhaseResults.HookLabels(config, run, request.Hosts));
        }, ct);

        using var compensation = new CancellationTokenSource(scope.Compensation);
        HistoryEntry History(string result, string? message) => new()
        {
            Action = "rollback", Stage = request.Stage.Name, Result = result, User = identity.User, Machine = identity.Machine,
            Started = started, DurationMs = (long)clock.Elapsed.TotalMilliseconds, Release = target, PreviousRelease = from,
            Commit = runs[0].State.Find(target)?.Revision, Message = request.Message, Hosts = [.. runs.Select(r => r.Host.DisplayName)],
            Error = message,
        };

        if (failures.Count > 0)
        {
            reporter.Info($"rollback failed on {PhaseResults.Hosts(failures.Count)}; switching every host back to the release it had");
            var revert = await scope.Phases.RunAsync(runs, "revert", parallel, async (run, t) =>
            {
                var script = DeployScripts.Revert(Context(run), run.State.Current, null, Hooks(HookPoints.AfterPublish, run), record.Token);
                return PhaseResults.Failed(run, "revert", await runner.RunAsync(run.Session!, "revert", script, t), PhaseResults.HookLabels(config, run, request.Hosts));
            }, compensation.Token);
            await keeper.DisposeAsync();
            await scope.Locks.ReleaseAsync(request, runs, record.Token, runner);
            scope.Records.AppendHistory(History(ct.IsCancellationRequested ? "cancelled" : "failed", failures[0].Message));
            var reports = runs.Select(r => revert.Any(f => f.Host == r.Host)
                ? new HostReport(r.Host, null, HostFate.Unknown, "UNKNOWN: switching back failed")
                : new HostReport(r.Host, r.State.Current, HostFate.Unchanged, "back on the release it had")).ToList();
            return Result(revert.Count == 0 ? RunResult.RolledBack : RunResult.Incomplete, [.. failures, .. revert], reports, target);
        }

        var history = History("succeeded", null);
        await keeper.DisposeAsync();

        var finish = await scope.Phases.RunAsync(runs, "finish", parallel, async (run, t) =>
        {
            var markBad = run.State.Current == targets[run.Host] ? null : run.State.Current;
            var script = DeployScripts.Finish(run.Paths, null, markBad, RevisionsLog.RolledBack(identity.User, targets[run.Host]),
                history.ToJson(), [], record.Token);
            var result = await runner.RunAsync(run.Session!, "finish", script, t);
            run.Locked = !result.Succeeded;
            return PhaseResults.Failed(run, "finish", result);
        }, compensation.Token);
        scope.Records.AppendHistory(history);
        if (ct.IsCancellationRequested)
        {
            reporter.Warning("interrupted after every host had switched: the rollback stands, and was finished (history, unlock)");
        }

        return Result(RunResult.Succeeded, finish,
            [.. runs.Select(r => new HostReport(r.Host, targets[r.Host], HostFate.Done, r.State.Current == targets[r.Host]
                ? "live: was already on it; switched again and its hooks rerun"
                : $"live: rolled back from {r.State.Current} (now marked bad)"))], target);
    }

    /// <summary>The release each host goes back to, or why the rollback is refused. Pure apart from reading run state.</summary>
    private static (Dictionary<HostConfig, string>? Targets, string? Error) PlanRollback(DeployRequest request, IReadOnlyList<HostRun> runs)
    {
        var lines = new List<string>();
        if (runs.FirstOrDefault(r => r.State.Current is null) is { } none)
        {
            return (null, $"{none.Host.DisplayName} has no current release: nothing to roll back");
        }

        var currents = runs.Select(r => r.State.Current).Distinct(StringComparer.Ordinal).ToList();
        // --to names one release for every host: hosts that disagree are brought together on it (the repair after a host
        // was lost while switching back).
        if (currents.Count > 1 && !request.Force && request.To is null)
        {
            var detail = string.Join("; ", runs.Select(r => $"{r.Host.DisplayName} is on {r.State.Current}"));
            return (null, $"hosts disagree about the live release ({detail}); use --force to roll each back anyway, or --to RELEASE");
        }

        var targets = new Dictionary<HostConfig, string>();
        foreach (var run in runs)
        {
            if (request.To is { } to)
            {
                var release = run.State.Find(to);
                if (release is null)
                {
                    lines.Add($"{run.Host.DisplayName} has no release {to}");
                }
                else if (release.State == ReleaseState.Unfinished || (release.State == ReleaseState.Bad && !request.Force))
                {
                    lines.Add($"release {to} on {run.Host.DisplayName} is {release.State.ToString().ToLowerInvariant()} (use --force to pick a bad one anyway)");
                }
                else
                {
                    // Already live here: switched again (a no-op) and its hooks rerun, never marked bad.
                    targets[run.Host] = to;
                }
            }
            else if (run.State.Previous() is { } previous)
            {
                targets[run.Host] = previous.Name;
            }
            else
            {
                lines.Add($"{run.Host.DisplayName} has no earlier good release than {run.State.Current} to roll back to");
            }
        }

        if (lines.Count > 0)
        {
            return (null, string.Join("; ", lines));
        }

        if (targets.Values.Distinct(StringComparer.Ordinal).Count() > 1 && !request.Force)
        {
            return (null, "hosts would roll back to different releases (" +
                string.Join("; ", targets.Select(t => $"{t.Key.DisplayName} → {t.Value}")) + "); use --to RELEASE or --force");
        }

        return (targets, null);
    }
}
