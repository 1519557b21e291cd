using System.Globalization;
using Slipway.Core.Probes;
using Slipway.Supervisor.Config;
using Slipway.Supervisor.Health;
using Slipway.Supervisor.Logging;
using Slipway.Supervisor.Native;
using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Daemon;

/// <summary>
/// <c>healthcheck=</c>: each RUNNING process with a check is probed every interval on a task of its own; the results
/// go through its <see cref="HealthTracker"/> under the gate, and an unhealthy process with
/// <c>healthcheck_restart=true</c> is stopped and started again by the main loop.
/// </summary>
/// <remarks><c>environment</c>: The environment a <c>cmd:</c> check runs with (the program's own).</remarks>
public sealed class HealthMonitor(Lock gate, MainLog log, Action wake, TimeProvider time, IProcessSpawner spawner,
    Func<Subprocess, Dictionary<string, string>> environment, DependencyScheduler dependencies)
{
    private readonly Dictionary<Subprocess, HealthRun> _runs = [];
    private readonly HashSet<Subprocess> _restartAfterStop = [];
    private readonly Dictionary<int, TaskCompletionSource<int>> _checkChildren = [];

    private sealed class HealthRun(HealthCheckConfig check)
    {
        public HealthCheckConfig Check { get; } = check;

        public HealthTracker Tracker { get; } = new(check.Retries);

        public CancellationTokenSource? Cancel { get; set; }
    }

    /// <summary>The health of a process with a health check (null without one).</summary>
    public HealthTracker? Of(Subprocess p) => _runs.TryGetValue(p, out var run) ? run.Tracker : null;

    /// <summary>Whether others may depend on the process as far as health goes: no check, or healthy.</summary>
    public bool AllowsDependants(Subprocess p) => Of(p) is null or { Healthy: true };

    internal void Added(IEnumerable<Subprocess> processes)
    {
        foreach (var p in processes)
        {
            if (p.Config.Extras.HealthCheck is { } check)
            {
                _runs[p] = new HealthRun(check);
            }
        }
    }

    internal void Removed(IEnumerable<Subprocess> processes)
    {
        foreach (var p in processes)
        {
            if (_runs.Remove(p, out var run))
            {
                run.Cancel?.Cancel();
            }

            _restartAfterStop.Remove(p);
        }
    }

    /// <summary>Checks start when the process enters RUNNING and stop when it leaves it.</summary>
    internal void StateChanged(Subprocess p, ProcessState from)
    {
        if (!_runs.TryGetValue(p, out var run))
        {
            return;
        }

        if (p.State == ProcessState.Running)
        {
            run.Tracker.Reset();
            run.Cancel?.Cancel();
            run.Cancel = new CancellationTokenSource();
            var token = run.Cancel.Token;
            _ = Task.Run(() => LoopAsync(p, run, token), CancellationToken.None);
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

    private async Task LoopAsync(Subprocess p, HealthRun run, CancellationToken ct)
    {
        var check = run.Check;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var error = check.Kind switch
                {
                    HealthCheckKind.Tcp => (await HealthProbe.TcpAsync(TcpHost(check), TcpPort(check), check.Timeout, ct)).Error,
                    HealthCheckKind.Http => (await HealthProbe.HttpAsync(new Uri(check.Target), expect: null, contains: null, check.Timeout,
                        verifyCertificate: false, ct)).Error,
                    _ => await CommandCheckAsync(p, check, ct),
                };
                lock (gate)
                {
                    if (ct.IsCancellationRequested)
                    {
                        return;
                    }

                    Record(p, run, error, inStartPeriod: time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0 < p.LastStart + check.StartPeriod.TotalSeconds);
                }

                wake();
                await Task.Delay(check.Interval, time, ct);
            }
        }
        catch (OperationCanceledException)
        {
            // the process left RUNNING
        }
    }

    private static string TcpHost(HealthCheckConfig check) => HealthProbe.SplitHostPort(check.Target)!.Value.Host;

    private static int TcpPort(HealthCheckConfig check) => HealthProbe.SplitHostPort(check.Target)!.Value.Port;

    private void Record(Subprocess p, HealthRun run, string? error, bool inStartPeriod)
    {
        var check = run.Check;
        var neverPassed = !run.Tracker.PassedOnce;
        var change = run.Tracker.Record(error, inStartPeriod);
        if (change == HealthChange.BecameHealthy)
        {
            log.Write("info", $"healthy: {p.Namespec}");
            p.ConfirmStart();
        }
        else if (change == HealthChange.BecameUnhealthy && neverPassed && check.Restart && p.State == ProcessState.Running)
        {
            // Never healthy since its spawn: a failed start, not a crash of a running service (BACKOFF, then FATAL).
            log.Write("warn", $"unhealthy: {p.Namespec} never passed a health check ({error}), counted as a failed start");
            _ = p.FailStart("never became healthy");
        }
        else if (change == HealthChange.BecameUnhealthy)
        {
            log.Write("warn", $"unhealthy: {p.Namespec} failed {check.Retries} health checks in a row ({error})"
                + (check.Restart ? ", restarting" : ""));
            if (check.Restart && p.State == ProcessState.Running)
            {
                _restartAfterStop.Add(p);
                _ = p.Stop();
            }
        }
        else if (error is not null)
        {
            log.Write("debug", $"health check of {p.Namespec} failed: {error}");
        }
    }

    /// <summary><c>cmd:</c> health check: <c>/bin/sh -c COMMAND</c> with the program's environment; exit 0 is healthy.</summary>
    private async Task<string?> CommandCheckAsync(Subprocess p, HealthCheckConfig check, CancellationToken ct)
    {
        TaskCompletionSource<int> exited;
        int pid;
        lock (gate)
        {
            SpawnedChild child;
            try
            {
                child = spawner.Spawn(new SpawnRequest("/bin/sh", ["/bin/sh", "-c", "exec </dev/null >/dev/null 2>&1\n" + check.Target],
                    environment(p).ToList(), p.Config.Directory));
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
            _checkChildren[pid] = exited;
        }

        wake(); // in case it has already exited
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
    internal bool Reap(int pid, int status)
    {
        if (_checkChildren.Remove(pid, out var done))
        {
            done.TrySetResult(status);
            return true;
        }

        return false;
    }

    /// <summary>Main loop: starts again what an unhealthy check stopped, once it has stopped.</summary>
    internal void Step(bool accepting)
    {
        if (_restartAfterStop.Count == 0)
        {
            return;
        }

        foreach (var p in _restartAfterStop.ToList())
        {
            if (!ProcessStates.IsStopped(p.State))
            {
                continue;
            }

            _restartAfterStop.Remove(p);
            if (accepting)
            {
                if (dependencies.MayStart(p))
                {
                    p.Spawn();
                }
                else
                {
                    dependencies.QueueStart(p);
                }
            }
        }
    }
}
