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
        using var log = DeployLog.None(_time);
        return await ListAsync(request, Runner(log), ct);
    }

    internal async Task<IReadOnlyList<HostListing>> ListAsync(DeployRequest request, ScriptRunner runner, CancellationToken ct)
    {
        var runs = Runs(request);
        var failures = await PhaseAsync(runs, "list", request.Config.Ssh.MaxParallel, async (run, t) =>
        {
            var result = await runner.RunAsync(run.Session!, "list", DeployScripts.List(run.Paths), t);
            run.ReadState(result);
            return Failed(run, "list", result);
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
        using var log = DeployLog.None(_time);
        var runner = Runner(log);
        var runs = Runs(request);
        var read = new Dictionary<HostConfig, IReadOnlyList<HistoryEntry>>();
        var failures = await PhaseAsync(runs, "history", request.Config.Ssh.MaxParallel, async (r, t) =>
        {
            var script = new Script().Add(Slipway.Core.Shell.ShellCommand.Create(
                $"tail -n {limit.ToString(System.Globalization.CultureInfo.InvariantCulture)} {r.Paths.History} 2>/dev/null; true")).Build();
            var result = await runner.RunAsync(r.Session!, "history", script, t);
            lock (read)
            {
                read[r.Host] = [.. result.Output.Select(HistoryEntry.FromJson).OfType<HistoryEntry>()];
            }

            return Failed(r, "history", result);
        }, ct);
        var hosts = runs.Where(r => read.ContainsKey(r.Host) && failures.All(f => f.Host != r.Host))
            .Select(r => (r.Host.DisplayName, read[r.Host])).ToList();
        var local = await ReadLocalHistoryAsync(request.Config, ct);
        var merged = HistoryMerge.Merge(hosts, local).Where(e => e.Entry.Stage == request.Stage.Name).TakeLast(limit).ToList();
        return (merged, failures);
    }

    private static async Task<IReadOnlyList<HistoryEntry>> ReadLocalHistoryAsync(SlipwayConfig config, CancellationToken ct)
    {
        var path = LocalHistoryPath(config);
        try
        {
            return File.Exists(path)
                ? [.. (await File.ReadAllLinesAsync(path, ct)).Select(HistoryEntry.FromJson).OfType<HistoryEntry>()]
                : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary><c>slipway check</c>: the check phase alone (lock taken and given back), changing nothing else.</summary>
    public async Task<RunOutcome> CheckAsync(DeployRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        using var log = OpenLog(request.Config, request.Stage.Name, "check");
        var runner = Runner(log);
        var runs = Runs(request);
        var record = NewLock(request.Stage.Name, "check", null, request.Message);
        var failures = await AcquireAsync(request with { Wait = null }, runs, record, verify: true, runner, ct);
        await ReleaseLocksAsync(request, runs, record.Token, runner);
        return new RunOutcome
        {
            Action = "check",
            Result = failures.Count == 0 ? RunResult.Succeeded : RunResult.NothingChanged,
            Failures = failures,
            Hosts = [.. runs.Select(r => new HostReport(r.Host, r.State.Current, failures.Any(f => f.Host == r.Host) ? "check failed" : "ready"))],
            Cancelled = ct.IsCancellationRequested,
            Duration = clock.Elapsed,
            LogPath = log.Path,
        };
    }

    /// <summary><c>slipway cleanup</c>: removes unfinished and bad releases and good ones beyond keep_releases.</summary>
    public async Task<RunOutcome> CleanupAsync(DeployRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        using var log = OpenLog(request.Config, request.Stage.Name, "cleanup");
        var runner = Runner(log);
        var runs = Runs(request);
        var record = NewLock(request.Stage.Name, "cleanup", null, request.Message);
        var failures = await AcquireAsync(request, runs, record, verify: false, runner, ct);
        var removed = new Dictionary<HostConfig, IReadOnlyList<string>>();
        if (failures.Count == 0)
        {
            failures = await PhaseAsync(runs, "cleanup", request.Config.Ssh.MaxParallel, async (run, t) =>
            {
                var remove = CleanupPlanner.Select(run.State, request.Config.KeepReleases);
                lock (removed)
                {
                    removed[run.Host] = remove;
                }

                var result = await runner.RunAsync(run.Session!, "cleanup", DeployScripts.Cleanup(run.Paths, remove, record.Token), t);
                run.Locked = !result.Succeeded;
                return Failed(run, "cleanup", result);
            }, ct);
        }

        await ReleaseLocksAsync(request, runs, record.Token, runner);
        return new RunOutcome
        {
            Action = "cleanup",
            Result = failures.Count == 0 ? RunResult.Succeeded : RunResult.Incomplete,
            Failures = failures,
            Hosts = [.. runs.Select(r => new HostReport(r.Host, r.State.Current,
                removed.TryGetValue(r.Host, out var list) ? (list.Count == 0 ? "nothing to remove" : "removed " + string.Join(", ", list)) : "not cleaned"))],
            Cancelled = ct.IsCancellationRequested,
            Duration = clock.Elapsed,
            LogPath = log.Path,
        };
    }

    /// <summary><c>slipway unlock</c>: removes the deploy lock whoever holds it, saying whose it was.</summary>
    public async Task<RunOutcome> UnlockAsync(DeployRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        using var log = OpenLog(request.Config, request.Stage.Name, "unlock");
        var runner = Runner(log);
        var runs = Runs(request);
        var failures = await PhaseAsync(runs, "unlock", request.Config.Ssh.MaxParallel, async (run, t) =>
        {
            var listing = await runner.RunAsync(run.Session!, "list", DeployScripts.List(run.Paths), t);
            run.ReadState(listing);
            var result = await runner.RunAsync(run.Session!, "unlock", DeployScripts.UnlockScript(run.Paths, null), t);
            return Failed(run, "unlock", result);
        }, ct);
        return new RunOutcome
        {
            Action = "unlock",
            Result = failures.Count == 0 ? RunResult.Succeeded : RunResult.Incomplete,
            Failures = failures,
            Hosts = [.. runs.Select(r => new HostReport(r.Host, r.State.Current,
                r.Holder is null ? "was not locked" : "removed the lock of " + r.Holder.Describe()))],
            Cancelled = ct.IsCancellationRequested,
            Duration = clock.Elapsed,
            LogPath = log.Path,
        };
    }
}
