using System.Globalization;
using Slipway.Supervisor.Config;
using Slipway.Supervisor.Health;
using Slipway.Supervisor.Native;
using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Daemon;

/// <summary>
/// The per-program extras beyond supervisord: fatal_exit, health checks (and their restarts), killtree's
/// stragglers. Each only acts for a program that sets its option.
/// </summary>
public sealed partial class SupervisorDaemon
{
    private readonly Dictionary<Subprocess, HealthRun> _health = [];
    private readonly HashSet<Subprocess> _restartAfterStop = [];
    private readonly Dictionary<int, TaskCompletionSource<int>> _auxChildren = [];
    private readonly List<(int Pid, double KillAt)> _stragglers = [];
    private bool _subreaper;

    /// <summary>Set when a <c>fatal_exit=true</c> program went FATAL: the daemon shuts down and exits with 1.</summary>
    public string? FatalExitReason { get; private set; }

    private sealed class HealthRun(HealthCheckConfig check)
    {
        public HealthCheckConfig Check { get; } = check;

        public HealthTracker Tracker { get; } = new(check.Retries);

        public CancellationTokenSource? Cancel { get; set; }
    }

    /// <summary>The health of a process with a health check (null without one).</summary>
    public HealthTracker? HealthOf(Subprocess p) => _health.TryGetValue(p, out var run) ? run.Tracker : null;

    private void ExtrasGroupAdded(IEnumerable<Subprocess> processes)
    {
        foreach (var p in processes)
        {
            if (p.Config.Extras.HealthCheck is { } check)
            {
                _health[p] = new HealthRun(check);
            }

            if (p.Config.Extras.KillTree && !_subreaper && _reapChildren && IsLinux)
            {
                // Orphans of our children (double-forked daemons) are re-parented to us rather than to init, so
                // killtree can find them and the reaper collects them: no zombies.
                _subreaper = Posix.prctl(PrSetChildSubreaper, 1, 0, 0, 0) == 0;
                Log.Write("info", _subreaper ? "became a child subreaper (killtree)" : "could not become a child subreaper: " + Posix.StrError(Posix.Errno));
            }
        }
    }

    private void ExtrasGroupRemoved(IEnumerable<Subprocess> processes)
    {
        foreach (var p in processes)
        {
            if (_health.Remove(p, out var run))
            {
                run.Cancel?.Cancel();
            }

            _restartAfterStop.Remove(p);
        }
    }

    private const int PrSetChildSubreaper = 36;

    /// <summary>Called from StateChanged: fatal_exit, and health checks start on RUNNING and stop when it ends.</summary>
    private void ExtrasStateChanged(Subprocess p, ProcessState from)
    {
        if (p.State == ProcessState.Fatal && p.Config.Extras.FatalExit && FatalExitReason is null)
        {
            FatalExitReason = $"{p.Namespec} entered FATAL state (fatal_exit=true)";
            Log.Write("critical", FatalExitReason + ", shutting down");
            RequestShutdown();
        }

        if (_health.TryGetValue(p, out var run))
        {
            if (p.State == ProcessState.Running)
            {
                run.Tracker.Reset();
                run.Cancel?.Cancel();
                run.Cancel = new CancellationTokenSource();
                var token = run.Cancel.Token;
                _ = Task.Run(() => HealthLoopAsync(p, run, token), CancellationToken.None);
            }
            else if (from == ProcessState.Running)
            {
                run.Cancel?.Cancel();
                run.Cancel = null;
                if (ProcessStates.IsStopped(p.State) || p.State == ProcessState.Starting)
                {
                    run.Tracker.Reset();
                }
            }
        }
    }

    private async Task HealthLoopAsync(Subprocess p, HealthRun run, CancellationToken ct)
    {
        var check = run.Check;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var error = check.Kind switch
                {
                    HealthCheckKind.Tcp => await HealthProbe.TcpAsync(check.Target, check.Timeout, ct),
                    HealthCheckKind.Http => await HealthProbe.HttpAsync(check.Target, check.Timeout, ct),
                    _ => await CommandCheckAsync(p, check, ct),
                };
                lock (Gate)
                {
                    if (ct.IsCancellationRequested)
                    {
                        return;
                    }

                    var change = run.Tracker.Record(error);
                    if (change == HealthChange.BecameHealthy)
                    {
                        Log.Write("info", $"healthy: {p.Namespec}");
                    }
                    else if (change == HealthChange.BecameUnhealthy)
                    {
                        Log.Write("warn", $"unhealthy: {p.Namespec} failed {check.Retries} health checks in a row ({error})"
                            + (check.Restart ? ", restarting" : ""));
                        if (check.Restart && p.State == ProcessState.Running)
                        {
                            _restartAfterStop.Add(p);
                            _ = p.Stop();
                        }
                    }
                    else if (error is not null)
                    {
                        Log.Write("debug", $"health check of {p.Namespec} failed: {error}");
                    }
                }

                Wake();
                await Task.Delay(check.Interval, _time, ct);
            }
        }
        catch (OperationCanceledException)
        {
            // the process left RUNNING
        }
    }

    /// <summary><c>cmd:</c> health check: <c>/bin/sh -c COMMAND</c> with the program's environment; exit 0 is healthy.</summary>
    private async Task<string?> CommandCheckAsync(Subprocess p, HealthCheckConfig check, CancellationToken ct)
    {
        TaskCompletionSource<int> exited;
        int pid;
        lock (Gate)
        {
            SpawnedChild child;
            try
            {
                var env = ChildEnvironment(p);
                child = _spawner.Spawn(new SpawnRequest("/bin/sh", ["/bin/sh", "-c", "exec </dev/null >/dev/null 2>&1\n" + check.Target],
                    env.ToList(), p.Config.Directory));
            }
            catch (SpawnException e)
            {
                return "cannot run the check: " + e.Message;
            }

            foreach (var fd in new[] { child.StdinFd, child.StdoutFd, child.StderrFd })
            {
                if (fd >= 0)
                {
                    Posix.close(fd);
                }
            }

            pid = child.Pid;
            exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            _auxChildren[pid] = exited;
        }

        Wake(); // in case it has already exited
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(check.Timeout);
        try
        {
            var status = await exited.Task.WaitAsync(cts.Token);
            var (code, how) = Subprocess.DecodeWaitStatus(status);
            return code == 0 ? null : how;
        }
        catch (OperationCanceledException)
        {
            _ = Posix.kill(-pid, 9);
            return ct.IsCancellationRequested ? null : $"timed out after {check.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s";
        }
    }

    /// <summary>Reaper: a child that is not a process (a health check command); true when it was one.</summary>
    private bool ReapAux(int pid, int status)
    {
        if (_auxChildren.Remove(pid, out var done))
        {
            done.TrySetResult(status);
            return true;
        }

        return false;
    }

    /// <summary>Main loop: restarts after an unhealthy stop, SIGKILL for killtree stragglers past their time.</summary>
    private void StepExtras(bool accepting)
    {
        if (_restartAfterStop.Count > 0)
        {
            foreach (var p in _restartAfterStop.ToList())
            {
                if (!ProcessStates.IsStopped(p.State))
                {
                    continue;
                }

                _restartAfterStop.Remove(p);
                if (accepting)
                {
                    if (MayStart(p))
                    {
                        p.Spawn();
                    }
                    else
                    {
                        QueueStart(p);
                    }
                }
            }
        }

        if (_stragglers.Count > 0)
        {
            var now = Now;
            for (var i = _stragglers.Count - 1; i >= 0; i--)
            {
                if (_stragglers[i].KillAt <= now)
                {
                    if (Posix.kill(_stragglers[i].Pid, 0) == 0)
                    {
                        Log.Write("warn", $"killtree: pid {_stragglers[i].Pid} outlived its stop wait, sending SIGKILL");
                        _ = Posix.kill(_stragglers[i].Pid, 9);
                    }

                    _stragglers.RemoveAt(i);
                }
            }
        }
    }

    private double? ExtrasDeadline() => _stragglers.Count > 0 ? _stragglers.Min(s => s.KillAt) : null;

    /// <summary>
    /// killtree: the stop signal (and SIGKILL) also goes to every descendant of the process, including those that
    /// left its process group or were re-parented to us (found by the marker in their environment).
    /// </summary>
    private void KillTree(Subprocess p, int signal)
    {
        foreach (var pid in ProcessTree.Members(p.Pid, TreeMarker(p), Environment.ProcessId))
        {
            if (pid != p.Pid)
            {
                Log.Write("debug", $"killtree: sending {DataTypes.SignalName(signal)} to pid {pid} (descendant of {p.Namespec})");
                _ = Posix.kill(pid, signal);
            }
        }
    }

    /// <summary>killtree: the main process has exited; what it left behind gets the stop signal now and SIGKILL after stopwaitsecs.</summary>
    private void AfterExit(Subprocess p)
    {
        if (!p.Config.Extras.KillTree)
        {
            return;
        }

        foreach (var pid in ProcessTree.Members(0, TreeMarker(p), Environment.ProcessId))
        {
            Log.Write("info", $"killtree: pid {pid} left behind by {p.Namespec}, sending {DataTypes.SignalName(p.Config.StopSignal)}");
            _ = Posix.kill(pid, p.Config.StopSignal);
            _stragglers.Add((pid, Now + p.Config.StopWaitSecs));
        }
    }

    /// <summary>The environment marker that lets killtree recognise a program's descendants.</summary>
    private static string TreeMarker(Subprocess p) =>
        TreeVariable + "=" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ":" + p.Namespec;

    internal const string TreeVariable = "SLIPWAY_SUPERVISE_TREE";
}

/// <summary><c>GET /metrics</c>.</summary>
public sealed partial class SupervisorDaemon
{
    private readonly double _startedAt = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    public string RenderMetrics()
    {
        List<Http.ProcessSample> samples;
        bool running;
        lock (Gate)
        {
            var now = Now;
            running = Mood == SupervisorMood.Running;
            samples = AllProcesses().OrderBy(x => x.Group.Name, StringComparer.Ordinal).ThenBy(x => x.Process.Config.Name, StringComparer.Ordinal)
                .Select(x =>
                {
                    var p = x.Process;
                    var health = HealthOf(p);
                    return new Http.ProcessSample(x.Group.Name, p.Config.Name, p.State,
                        p.State == ProcessState.Running ? Math.Max(0, now - p.LastStart) : 0, p.Starts,
                        p.Pid > 0 ? Http.Metrics.Rss(p.Pid) : null, health?.Healthy, health?.FailedChecks ?? 0, health is not null);
                }).ToList();
        }

        var (sent, dropped, forwarding) = ForwardCounters();
        var daemon = new Http.DaemonSample(running, Http.Metrics.Rss(Environment.ProcessId) ?? 0,
            TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0 - _startedAt, dropped, sent, forwarding);
        return Http.Metrics.Render(daemon, samples);
    }

}
