using System.Diagnostics;
using Slipway.Core.Config;
using Slipway.Deploy.Model;
using Slipway.Deploy.Scripts;

namespace Slipway.Deploy.Execution;

/// <summary>One host's listing: its state, or why it could not be read.</summary>
public sealed record HostListing(HostConfig Host, HostState? State, LockRecord? Lock, HostFailure? Failure);

public sealed partial class ReleaseManager
{
    /// <summary><c>slipway releases</c>: every host's releases, current and lock, read in one round trip per host.</summary>
    public async Task<IReadOnlyList<HostListing>> ReleasesAsync(DeployRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var scope = Scope(request, null);
        using var log = scope.Runner.Log;
        return await ListAsync(scope, ct);
    }

    internal static async Task<IReadOnlyList<HostListing>> ListAsync(RunScope scope, CancellationToken ct)
    {
        var runs = scope.NewRuns();
        var failures = await scope.Phases.RunAsync(runs, "list", scope.Parallel, async (run, t) =>
        {
            var result = await scope.Runner.RunAsync(run.Session!, "list", DeployScripts.List(run.Paths), t);
            run.ReadState(result);
            return PhaseResults.Failed(run, "list", result);
        }, ct);
        return [.. runs.Select(r => failures.FirstOrDefault(f => f.Host == r.Host) is { } f
            ? new HostListing(r.Host, null, null, f)
            : new HostListing(r.Host, r.State, r.Holder, null))];
    }

    /// <summary>
    /// The stage's history: the last <paramref name="limit"/> entries of every selected host's
    /// <c>slipway-history.jsonl</c> merged with this machine's record, each run once, flagged when some hosts that took
    /// part lack it. Hosts that could not be read are returned as failures (their entries are simply absent).
    /// </summary>
    public async Task<(IReadOnlyList<MergedHistoryEntry> Entries, IReadOnlyList<HostFailure> Failures)> HistoryAsync(
        DeployRequest request, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var scope = Scope(request, null);
        using var log = scope.Runner.Log;
        var runner = scope.Runner;
        var runs = scope.NewRuns();
        var read = new Dictionary<HostConfig, IReadOnlyList<HistoryEntry>>();
        var failures = await scope.Phases.RunAsync(runs, "history", scope.Parallel, async (r, t) =>
        {
            var script = new Script().Add(Slipway.Core.Shell.ShellCommand.Create(
                $"tail -n {limit.ToString(System.Globalization.CultureInfo.InvariantCulture)} {r.Paths.History} 2>/dev/null; true")).Build();
            var result = await runner.RunAsync(r.Session!, "history", script, t);
            lock (read)
            {
                read[r.Host] = [.. result.Output.Select(HistoryEntry.FromJson).OfType<HistoryEntry>()];
            }

            return PhaseResults.Failed(r, "history", result);
        }, ct);
        var hosts = runs.Where(r => read.ContainsKey(r.Host) && failures.All(f => f.Host != r.Host))
            .Select(r => (r.Host.DisplayName, read[r.Host])).ToList();
        var local = await LocalRecords.ReadHistoryAsync(scope.Records.State, ct);
        var merged = HistoryMerge.Merge(hosts, local).Where(e => e.Entry.Stage == request.Stage.Name).TakeLast(limit).ToList();
        return (merged, failures);
    }

    /// <summary><c>slipway check</c>: the check phase alone (lock taken and given back), changing nothing else.</summary>
    public async Task<RunOutcome> CheckAsync(DeployRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        var scope = Scope(request, "check");
        using var log = scope.Runner.Log;
        var runner = scope.Runner;
        var runs = scope.NewRuns();
        var record = scope.Locks.NewLock(request.Stage.Name, "check", null, request.Message);
        var failures = await scope.Locks.AcquireAsync(request with { Wait = null }, runs, record, verify: true, runner, ct);
        await scope.Locks.ReleaseAsync(request, runs, record.Token, runner);
        failures = VendorCheck.Merge(failures, runs.Select(r => r.Host), request.Vendor);
        return Ended("check", failures.Count == 0 ? RunResult.Succeeded : RunResult.NothingChanged, failures,
            [.. runs.Select(r => failures.Any(f => f.Host == r.Host)
                ? new HostReport(r.Host, r.State.Current, HostFate.Unchanged, "check failed")
                : new HostReport(r.Host, r.State.Current, HostFate.Done, "ready"))], clock, log, ct);
    }

    /// <summary><c>slipway cleanup</c>: removes unfinished and bad releases and good ones beyond keep_releases.</summary>
    public async Task<RunOutcome> CleanupAsync(DeployRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        var scope = Scope(request, "cleanup");
        using var log = scope.Runner.Log;
        var runner = scope.Runner;
        var runs = scope.NewRuns();
        var record = scope.Locks.NewLock(request.Stage.Name, "cleanup", null, request.Message);
        var failures = await scope.Locks.AcquireAsync(request, runs, record, verify: false, runner, ct);
        var removed = new Dictionary<HostConfig, IReadOnlyList<string>>();
        if (failures.Count == 0)
        {
            failures = await scope.Phases.RunAsync(runs, "cleanup", scope.Parallel, async (run, t) =>
            {
                var remove = CleanupPlanner.Select(run.State, request.Config.KeepReleases);
                lock (removed)
                {
                    removed[run.Host] = remove;
                }

                var result = await runner.RunAsync(run.Session!, "cleanup", DeployScripts.Cleanup(run.Paths, remove, record.Token), t);
                run.Locked = !result.Succeeded;
                return PhaseResults.Failed(run, "cleanup", result);
            }, ct);
        }

        await scope.Locks.ReleaseAsync(request, runs, record.Token, runner);
        return Ended("cleanup", failures.Count == 0 ? RunResult.Succeeded : RunResult.Incomplete, failures,
            [.. runs.Select(r => removed.TryGetValue(r.Host, out var list)
                ? new HostReport(r.Host, r.State.Current, HostFate.Done, list.Count == 0 ? "nothing to remove" : "removed " + string.Join(", ", list))
                : new HostReport(r.Host, r.State.Current, HostFate.Unchanged, "not cleaned"))], clock, log, ct);
    }

    /// <summary><c>slipway unlock</c>: removes the deploy lock whoever holds it, saying whose it was.</summary>
    public async Task<RunOutcome> UnlockAsync(DeployRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        var scope = Scope(request, "unlock");
        using var log = scope.Runner.Log;
        var runner = scope.Runner;
        var runs = scope.NewRuns();
        var failures = await scope.Phases.RunAsync(runs, "unlock", scope.Parallel, async (run, t) =>
        {
            var listing = await runner.RunAsync(run.Session!, "list", DeployScripts.List(run.Paths), t);
            run.ReadState(listing);
            var result = await runner.RunAsync(run.Session!, "unlock", DeployScripts.UnlockScript(run.Paths, null), t);
            return PhaseResults.Failed(run, "unlock", result);
        }, ct);
        return Ended("unlock", failures.Count == 0 ? RunResult.Succeeded : RunResult.Incomplete, failures,
            [.. runs.Select(r => new HostReport(r.Host, r.State.Current, HostFate.Done,
                r.Holder is null ? "was not locked" : "removed the lock of " + r.Holder.Describe()))], clock, log, ct);
    }

    /// <summary>The outcome of a maintenance run (check, cleanup, unlock).</summary>
    private static RunOutcome Ended(
        string action, RunResult result, IReadOnlyList<HostFailure> failures, IReadOnlyList<HostReport> hosts, Stopwatch clock, DeployLog log,
        CancellationToken ct) => new()
    {
        Action = action, Result = result, Failures = failures, Hosts = hosts,
        Cancelled = ct.IsCancellationRequested, Duration = clock.Elapsed, LogPath = log.Path,
    };
}
