using System.Diagnostics;
using System.Globalization;
using Slipway.Core.Config;
using Slipway.Deploy.Model;
using Slipway.Deploy.Scripts;
using Slipway.Deploy.Source;
using Slipway.Remote;

namespace Slipway.Deploy.Execution;

/// <summary>
/// Deploys, rollbacks and the maintenance commands over a stage's hosts: every phase is one script per host, run on
/// all hosts in parallel; a phase ends only when every host has finished it (the barrier), and any failure is undone
/// everywhere before the run ends. Undoing runs with its own token, so Ctrl-C leads to the same guarantees.
/// </summary>
public sealed partial class ReleaseManager
{
    /// <summary>How long a lock is honoured without its owner being proven gone.</summary>
    public static readonly TimeSpan LockLease = TimeSpan.FromHours(1);

    private const int KeptLogs = 100;

    private static readonly TimeSpan CompensationLimit = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan LockPoll = TimeSpan.FromSeconds(2);

    private readonly SessionPool _sessions;
    private readonly SourceResolver _source;
    private readonly TimeProvider _time;
    private readonly IDeployReporter _reporter;
    private readonly RunIdentity _identity;
    private readonly Func<int, bool> _processAlive;
    private readonly bool _verbose;
    private readonly Dictionary<HostConfig, Task<IRemoteSession>> _connecting = new(ReferenceEqualityComparer.Instance);

    public ReleaseManager(
        SessionPool sessions, SourceResolver source, TimeProvider time, IDeployReporter reporter, RunIdentity identity,
        bool verbose, Func<int, bool>? processAlive = null)
    {
        _sessions = sessions;
        _source = source;
        _time = time;
        _reporter = reporter;
        _identity = identity;
        _verbose = verbose;
        _processAlive = processAlive ?? ProcessAlive;
    }

    /// <summary>Where a config's local state lives: <c>.slipway/</c> next to slipway.yml.</summary>
    public static string StateDir(SlipwayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(config.SourceFile)) ?? ".", ".slipway");
    }

    /// <summary>
    /// repo_url as git should see it: URLs and <c>host:path</c> as written; a relative local path is taken relative to
    /// slipway.yml's directory (so <c>repo_url: ../..</c> in a file inside the repository works from anywhere).
    /// </summary>
    public static string? RepoUrlFor(SlipwayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var url = config.RepoUrl;
        if (string.IsNullOrEmpty(url) || url.Contains("://", StringComparison.Ordinal) || Path.IsPathRooted(url))
        {
            return url;
        }

        var colon = url.IndexOf(':', StringComparison.Ordinal);
        var slash = url.IndexOf('/', StringComparison.Ordinal);
        if (colon > 0 && (slash < 0 || colon < slash))
        {
            return url; // scp-like user@host:path
        }

        var dir = Path.GetDirectoryName(Path.GetFullPath(config.SourceFile)) ?? ".";
        return Path.GetFullPath(Path.Combine(dir, url));
    }

    /// <summary>The local git mirror the upload strategy archives from: <c>.slipway/git/</c> next to slipway.yml.</summary>
    public static string SourceCacheDir(SlipwayConfig config) => Path.Combine(StateDir(config), "git");

    public static string LocalHistoryPath(SlipwayConfig config) => Path.Combine(StateDir(config), "history.jsonl");

    public static DeployPaths PathsFor(SlipwayConfig config, HostConfig host)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(host);
        return new DeployPaths(host.DeployTo ?? config.DeployTo);
    }

    private DeployLog OpenLog(SlipwayConfig config, string stage, string action)
    {
        var name = $"{stage}-{action}-{ReleaseName.For(_time.GetUtcNow())}-{_identity.Pid.ToString(CultureInfo.InvariantCulture)}.log";
        var dir = Path.Combine(StateDir(config), "logs");
        PruneLogs(dir);
        return new DeployLog(Path.Combine(dir, name), _time);
    }

    /// <summary>Keeps the newest <see cref="KeptLogs"/> run logs; older ones go. Best effort: never fails a run.</summary>
    private static void PruneLogs(string dir)
    {
        try
        {
            if (!Directory.Exists(dir))
            {
                return;
            }

            foreach (var old in new DirectoryInfo(dir).GetFiles("*.log").OrderByDescending(f => f.LastWriteTimeUtc).Skip(KeptLogs))
            {
                old.Delete();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A log we cannot remove is no reason to stop a deploy.
        }
    }

    private ScriptRunner Runner(DeployLog log) => new(log, _verbose ? _reporter.HostOutput : null);

    private static List<HostRun> Runs(DeployRequest request) =>
        [.. request.Hosts.Select(h => new HostRun(h, PathsFor(request.Config, h)))];

    /// <summary>
    /// Runs <paramref name="work"/> on every host in parallel (at most ssh.max_parallel at once) and waits for all of
    /// them. Lost connections, time-outs and cancellation become that host's failure; other hosts carry on.
    /// </summary>
    private async Task<List<HostFailure>> PhaseAsync(
        IReadOnlyList<HostRun> runs, string phase, int maxParallel, Func<HostRun, CancellationToken, Task<HostFailure?>> work,
        CancellationToken ct)
    {
        using var gate = new SemaphoreSlim(Math.Max(1, maxParallel));
        var results = await Task.WhenAll(runs.Select(async run =>
        {
            var clock = Stopwatch.StartNew();
            HostFailure? failure;
            try
            {
                await gate.WaitAsync(ct);
                try
                {
                    run.Session ??= await SessionAsync(run.Host, ct);
                    Slipway.Core.Diagnostics.Timeline.Mark($"{phase} start {run.Host.DisplayName}");
                    failure = await work(run, ct);
                    Slipway.Core.Diagnostics.Timeline.Mark($"{phase} end {run.Host.DisplayName}");
                }
                finally
                {
                    gate.Release();
                }
            }
            catch (RemoteConnectionException e)
            {
                failure = new HostFailure(run.Host, phase, null, FailureKind.Unreachable, e.Message, []);
            }
            catch (TimeoutException e)
            {
                failure = new HostFailure(run.Host, phase, null, FailureKind.TimedOut, e.Message, []);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                failure = new HostFailure(run.Host, phase, null, FailureKind.Cancelled, "cancelled", []);
            }
            catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                failure = new HostFailure(run.Host, phase, null, FailureKind.Unreachable, e.Message, []);
            }

            _reporter.HostPhase(run.Host, phase, failure is null, clock.Elapsed, failure?.Message);
            return failure;
        }));
        return [.. results.OfType<HostFailure>()];
    }

    /// <summary>Starts connecting to every host now, without waiting; the first phase picks the connections up.</summary>
    private void Preconnect(DeployRequest request, CancellationToken ct)
    {
        lock (_connecting)
        {
            foreach (var host in request.Hosts)
            {
                var connect = _sessions.GetAsync(host, ct);
                _connecting[host] = connect;
                // Observed here so an unreachable host never becomes an unobserved task exception; reported by the phase.
                _ = connect.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }
    }

    private Task<IRemoteSession> SessionAsync(HostConfig host, CancellationToken ct)
    {
        lock (_connecting)
        {
            if (_connecting.Remove(host, out var connect))
            {
                return connect.WaitAsync(ct);
            }
        }

        return _sessions.GetAsync(host, ct);
    }

    /// <summary>A failed script as a host failure naming the step (a hook by its command line).</summary>
    private static HostFailure? Failed(HostRun run, string phase, ScriptRun result, Func<string, string>? label = null)
    {
        if (result.Succeeded)
        {
            return null;
        }

        var step = result.FailedStep;
        var what = step is null ? phase : (label?.Invoke(step) ?? step);
        return new HostFailure(run.Host, phase, step, FailureKind.StepFailed,
            $"{what} failed (exit code {(result.StepExitCode ?? result.ExitCode).ToString(CultureInfo.InvariantCulture)})", result.Tail());
    }

    /// <summary>Labels hook steps such as <c>after_update[1]</c> with the hook's command line.</summary>
    private static Func<string, string> HookLabels(SlipwayConfig config, HostRun run, IReadOnlyList<HostConfig> selected) => step =>
    {
        var open = step.IndexOf('[', StringComparison.Ordinal);
        if (open > 0 && step.EndsWith(']') && int.TryParse(step[(open + 1)..^1], CultureInfo.InvariantCulture, out var index))
        {
            var hooks = HookPlanner.For(config, step[..open], run.Host, selected);
            if (index < hooks.Count)
            {
                return hooks[index].Label ?? $"{step[..open]} hook `{hooks[index].Run}`";
            }
        }

        return $"step '{step}'";
    };

    /// <summary>
    /// Check phase: connects, takes the lock, verifies (when <paramref name="verify"/>), lists releases. A stale lock
    /// (owner gone from this machine, or lease expired) is recovered once with a notice. With <c>--wait</c>, when some
    /// host is locked by another run, our own locks are given back and the whole phase retried until the deadline.
    /// </summary>
    private async Task<List<HostFailure>> AcquireAsync(
        DeployRequest request, IReadOnlyList<HostRun> runs, LockRecord record, bool verify, ScriptRunner runner, CancellationToken ct)
    {
        var deadline = request.Wait is { } wait ? _time.GetUtcNow() + wait : (DateTimeOffset?)null;
        while (true)
        {
            var failures = await PhaseAsync(runs, "check", request.Config.Ssh.MaxParallel,
                (run, token) => CheckHostAsync(request, run, record, verify, runner, token), ct);
            var waitable = failures.Count > 0 && failures.All(f => f.Kind == FailureKind.Locked);
            if (!waitable || deadline is null || _time.GetUtcNow() >= deadline || ct.IsCancellationRequested)
            {
                return failures;
            }

            _reporter.Info($"waiting for the deploy lock: {failures[0].Lock?.Describe() ?? "held by another run"}");
            await ReleaseLocksAsync(request, runs, record.Token, runner);
            await Task.Delay(LockPoll, _time, ct);
        }
    }

    private async Task<HostFailure?> CheckHostAsync(
        DeployRequest request, HostRun run, LockRecord record, bool verify, ScriptRunner runner, CancellationToken ct)
    {
        var config = request.Config;
        for (var attempt = 0; ; attempt++)
        {
            var script = DeployScripts.Check(run.Paths, record, verify ? config.LinkedFiles : [],
                verify ? HookPlanner.Requirements(config, run.Host) : []);
            // Until the script says otherwise we may hold the lock: a check cut short (Ctrl-C, a lost connection) can
            // have taken it already, and giving it back is safe either way (the unlock checks our token).
            run.Locked = true;
            var result = await runner.RunAsync(run.Session!, "check", script, ct);
            run.Locked = result.Values("locked").Any() || (result.ExitCode != DeployScripts.LockHeldExitCode && !result.Completed);
            run.ReadState(result);
            if (result.ExitCode == DeployScripts.LockHeldExitCode)
            {
                var holder = run.Holder;
                var stale = holder?.StaleReason(_identity.Machine, _time.GetUtcNow(), _processAlive);
                if (holder is not null && stale is not null && attempt == 0)
                {
                    _reporter.Warning($"{run.Host.DisplayName}: recovered a stale deploy lock ({stale}): {holder.Describe()}");
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

            return Failed(run, "check", result);
        }
    }

    /// <summary>Gives back the locks this run holds (only ours: the token is checked on the host).</summary>
    private async Task ReleaseLocksAsync(DeployRequest request, IReadOnlyList<HostRun> runs, string token, ScriptRunner runner)
    {
        using var compensation = new CancellationTokenSource(CompensationLimit);
        var locked = runs.Where(r => r.Locked && r.Session is not null).ToList();
        await PhaseAsync(locked, "unlock", request.Config.Ssh.MaxParallel, async (run, t) =>
        {
            var result = await runner.RunAsync(run.Session!, "unlock", DeployScripts.UnlockScript(run.Paths, token), t);
            run.Locked = !result.Succeeded;
            return Failed(run, "unlock", result);
        }, compensation.Token);
    }

    private LockRecord NewLock(string stage, string action, string? commit, string? message)
    {
        var now = _time.GetUtcNow();
        return new LockRecord
        {
            Token = Guid.NewGuid().ToString("N"),
            User = _identity.User,
            Machine = _identity.Machine,
            Pid = _identity.Pid,
            Stage = stage,
            Action = action,
            Commit = commit,
            Message = message,
            Started = now,
            Expires = now + LockLease,
        };
    }

    private void AppendLocalHistory(SlipwayConfig config, HistoryEntry entry)
    {
        try
        {
            var path = LocalHistoryPath(config);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.AppendAllText(path, entry.ToJson() + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _reporter.Warning($"could not write the local history: {e.Message}");
        }
    }

    private static bool ProcessAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static List<HostFailure> CancelledAll(IReadOnlyList<HostRun> runs, string phase) =>
        [.. runs.Select(r => new HostFailure(r.Host, phase, null, FailureKind.Cancelled, "cancelled before it started", []))];
}
