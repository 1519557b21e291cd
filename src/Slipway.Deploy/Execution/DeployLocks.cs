using Slipway.Deploy.Model;
using Slipway.Deploy.Scripts;

namespace Slipway.Deploy.Execution;

/// <summary>
/// The deploy lock over a run's hosts: taken in the check phase (a stale one recovered once, with a notice), waited for
/// with <c>--wait</c>, and given back (only ours: the token is checked on the host).
/// </summary>
internal sealed class DeployLocks(HostPhases phases, TimeProvider time, RunIdentity identity, Func<int, bool> processAlive, IDeployReporter reporter)
{
    private static readonly TimeSpan LockPoll = TimeSpan.FromSeconds(2);

    public LockRecord NewLock(string stage, string action, string? commit, string? message)
    {
        var now = time.GetUtcNow();
        return new LockRecord
        {
            Token = Guid.NewGuid().ToString("N"),
            User = identity.User,
            Machine = identity.Machine,
            Pid = identity.Pid,
            Stage = stage,
            Action = action,
            Commit = commit,
            Message = message,
            Started = now,
            Expires = now + ReleaseManager.LockLease,
        };
    }

    /// <summary>
    /// Check phase: connects, takes the lock, verifies (when <paramref name="verify"/>), lists releases. With
    /// <c>--wait</c>, when some host is locked by another run, our own locks are given back and the whole phase retried
    /// until the deadline.
    /// </summary>
    public async Task<List<HostFailure>> AcquireAsync(
        DeployRequest request, IReadOnlyList<HostRun> runs, LockRecord record, bool verify, ScriptRunner runner, CancellationToken ct)
    {
        var deadline = request.Wait is { } wait ? time.GetUtcNow() + wait : (DateTimeOffset?)null;
        // Two runs that each took some hosts' locks in parallel would both lose. So the lock of one host, the same for
        // every run (the first by name), is taken alone first: of two runs started together exactly one gets it, and only
        // that one goes on to lock the others.
        var lead = runs.Count > 1 ? runs.MinBy(r => r.Host.DisplayName, StringComparer.Ordinal) : null;
        while (true)
        {
            List<HostFailure> failures = lead is null ? [] : await phases.RunAsync([lead], "check", request.Config.Ssh.MaxParallel,
                (run, token) => CheckHostAsync(request, run, record, verify: false, held: false, runner, token), ct, report: false);
            // A lead host that merely fails its own check (a deploy_to it cannot write) holds nobody back: every host is
            // checked, so every problem on every host is reported together. Only a lock held elsewhere (or a lost lead)
            // stops here. The lead keeps its failure even if the second look passes: it may not hold its lock.
            var leadFailures = failures;
            if (leadFailures.Count == 0 || leadFailures.All(f => f.Kind == FailureKind.CheckFailed))
            {
                var all = await phases.RunAsync(runs, "check", request.Config.Ssh.MaxParallel,
                    (run, token) => CheckHostAsync(request, run, record, verify, held: run == lead && run.Locked, runner, token), ct);
                failures = [.. leadFailures.Where(f => all.All(g => g.Host != f.Host)), .. all];
            }

            var waitable = failures.Count > 0 && failures.All(f => f.Kind == FailureKind.Locked);
            if (!waitable || deadline is null || time.GetUtcNow() >= deadline || ct.IsCancellationRequested)
            {
                return failures;
            }

            reporter.Info($"waiting for the deploy lock: {failures[0].Lock?.Describe() ?? "held by another run"}");
            await ReleaseAsync(request, runs, record.Token, runner);
            await Task.Delay(LockPoll, time, ct);
        }
    }

    /// <summary>Gives back the locks this run holds (only ours: the token is checked on the host).</summary>
    public async Task ReleaseAsync(DeployRequest request, IReadOnlyList<HostRun> runs, string token, ScriptRunner runner)
    {
        using var compensation = new CancellationTokenSource(RunScope.CompensationLimit(request.Config.PhaseTimeouts));
        var locked = runs.Where(r => r.Locked && r.Session is not null).ToList();
        await phases.RunAsync(locked, "unlock", request.Config.Ssh.MaxParallel, async (run, t) =>
        {
            var result = await runner.RunAsync(run.Session!, "unlock", DeployScripts.UnlockScript(run.Paths, token), t);
            run.Locked = !result.Succeeded;
            return PhaseResults.Failed(run, "unlock", result);
        }, compensation.Token);
    }

    /// <summary>One host's check; <paramref name="held"/>: its lock was taken by this run already (the lead host).</summary>
    private async Task<HostFailure?> CheckHostAsync(
        DeployRequest request, HostRun run, LockRecord record, bool verify, bool held, ScriptRunner runner, CancellationToken ct)
    {
        var config = request.Config;
        for (var attempt = 0; ; attempt++)
        {
            var script = DeployScripts.Check(run.Paths, held ? null : record, verify ? config.LinkedFiles : [],
                verify ? HookPlanner.Requirements(config, run.Host) : []);
            // Until the script says otherwise we may hold the lock: a check cut short (Ctrl-C, a lost connection) can
            // have taken it already, and giving it back is safe either way (the unlock checks our token).
            run.Locked = true;
            var result = await runner.RunAsync(run.Session!, "check", script, ct);
            run.Locked = held || result.Values("locked").Any() || (result.ExitCode != DeployScripts.LockHeldExitCode && !result.Completed);
            run.ReadState(result);
            if (result.ExitCode == DeployScripts.LockHeldExitCode)
            {
                var holder = run.Holder;
                var stale = holder?.StaleReason(identity.Machine, time.GetUtcNow(), processAlive);
                if (holder is not null && stale is not null && attempt == 0)
                {
                    reporter.Warning($"{run.Host.DisplayName}: recovered a stale deploy lock ({stale}): {holder.Describe()}");
                    await runner.RunAsync(run.Session!, "unlock", DeployScripts.UnlockScript(run.Paths, holder.Token), ct);
                    continue;
                }

                var who = holder?.Describe() ?? "another run is taking it right now";
                return new HostFailure(run.Host, "check", "lock", FailureKind.Locked, $"locked by {who}", []) { Lock = holder };
            }

            var missing = result.Values("missing").ToList();
            if (missing.Count > 0)
            {
                return new HostFailure(run.Host, "check", "verify", FailureKind.CheckFailed, string.Join("; ", missing), [])
                {
                    Missing = missing,
                };
            }

            return PhaseResults.Failed(run, "check", result);
        }
    }
}
