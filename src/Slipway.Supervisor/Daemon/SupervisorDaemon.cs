using System.Runtime.InteropServices;
using Slipway.Supervisor.Config;
using Slipway.Supervisor.Logging;
using Slipway.Supervisor.Native;
using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Daemon;

/// <summary>supervisord's own states (getState).</summary>
public enum SupervisorMood
{
    Fatal = 2,
    Running = 1,
    Restarting = 0,
    Shutdown = -1,
}

/// <summary>
/// The daemon: process groups, the main loop (reap, transitions, ordered shutdown, deferred RPC replies) and
/// the glue to the spawner and the output pump. Every state change happens under <see cref="Gate"/>; the loop
/// sleeps until the next deadline (a startsecs, a backoff delay, a stopwaitsecs), a SIGCHLD or an RPC call.
/// </summary>
public sealed partial class SupervisorDaemon : IDisposable
{
    private static readonly object NotDoneYet = new();
    private readonly IProcessSpawner _spawner;
    private readonly TimeProvider _time;
    private readonly ConfigReader _reader;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Dictionary<int, Subprocess> _byPid = [];
    private readonly List<(Func<object?> Poll, TaskCompletionSource<object?> Done)> _waiters = [];
    private readonly Dictionary<string, ProcessGroup> _groups = new(StringComparer.Ordinal);
    private List<ProcessGroup>? _stopGroups;
    private bool _reapChildren = true;

    public SupervisorDaemon(SupervisorConfig config, IProcessSpawner spawner, TimeProvider time, MainLog log, ConfigReader reader)
    {
        Config = config;
        _spawner = spawner;
        _time = time;
        Log = log;
        _reader = reader;
        Pump = new OutputPump();
    }

    public Lock Gate { get; } = new();

    public SupervisorConfig Config { get; private set; }

    public MainLog Log { get; }

    public OutputPump Pump { get; }

    public SupervisorMood Mood { get; private set; } = SupervisorMood.Running;

    /// <summary>Active groups in start order (priority, then name).</summary>
    public IReadOnlyList<ProcessGroup> Groups => _groups.Values.OrderBy(g => g.Config.Priority).ThenBy(g => g.Name, StringComparer.Ordinal).ToList();

    public ProcessGroup? FindGroup(string name) => _groups.GetValueOrDefault(name);

    public IEnumerable<(ProcessGroup Group, Subprocess Process)> AllProcesses() =>
        Groups.SelectMany(g => g.Processes.Select(p => (g, p)));

    /// <summary>Tests drive the loop by hand and reap nothing themselves.</summary>
    internal bool ReapChildren
    {
        set => _reapChildren = value;
    }

    public double Now => _time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>Creates the configured groups (autostart happens on the first loop pass).</summary>
    public void Start()
    {
        lock (Gate)
        {
            foreach (var g in Config.Groups)
            {
                AddGroup(g);
            }
        }
    }

    public void RequestShutdown()
    {
        lock (Gate)
        {
            if (Mood > SupervisorMood.Shutdown)
            {
                Mood = SupervisorMood.Shutdown;
            }
        }

        Wake();
    }

    public void RequestRestart()
    {
        lock (Gate)
        {
            if (Mood == SupervisorMood.Running)
            {
                Mood = SupervisorMood.Restarting;
            }
        }

        Wake();
    }

    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    /// <summary>Runs until shutdown or restart has stopped every process; returns the mood it ended in.</summary>
    public async Task<SupervisorMood> RunAsync(CancellationToken ct)
    {
        lock (Gate)
        {
            Notify(Events.SupervisorEvent.SupervisorState("SUPERVISOR_STATE_CHANGE_RUNNING"));
        }

        while (true)
        {
            TimeSpan wait;
            lock (Gate)
            {
                if (Step())
                {
                    return Mood;
                }

                wait = NextWait();
            }

            try
            {
                await _wake.WaitAsync(wait, ct);
            }
            catch (OperationCanceledException)
            {
                RequestShutdown();
                ct = CancellationToken.None;
            }
        }
    }

    /// <summary>One pass of the main loop (call under the gate). True when the daemon may exit or restart.</summary>
    internal bool Step()
    {
        var accepting = Mood == SupervisorMood.Running;
        ReadEventInput();
        if (!accepting)
        {
            NotifyStopping();
            _stopGroups ??= Groups.ToList();
            if (_stopGroups.Count > 0)
            {
                StopGroupForShutdown(_stopGroups[^1]);
            }
        }

        Reap();
        if (UsesDependencies)
        {
            StepDependencies(accepting);
        }

        var groups = Groups;
        if (accepting)
        {
            var batch = groups.SelectMany(g => g.Processes).Where(p => p.WouldSpawn()).ToList();
            if (batch.Count >= PrespawnThreshold)
            {
                Prespawn(batch);
            }
        }

        foreach (var group in groups)
        {
            foreach (var p in group.Processes)
            {
                p.Transition(accepting);
            }

            DispatchEvents(group);
        }

        Reap();
        if (UsesDependencies)
        {
            StepDependencies(accepting);
        }

        StepExtras(accepting);
        Tick();
        if (!accepting && _stopGroups is { Count: > 0 } && !_stopGroups[^1].HasUnstopped)
        {
            _stopGroups.RemoveAt(_stopGroups.Count - 1);
            if (_stopGroups.Count > 0)
            {
                StopGroupForShutdown(_stopGroups[^1]);
            }
        }

        PollWaiters();
        if (!accepting && _stopGroups is { Count: 0 } && !_groups.Values.Any(g => g.HasUnstopped))
        {
            foreach (var w in _waiters)
            {
                w.Done.TrySetException(XmlRpc.Faults.Error(XmlRpc.Faults.ShutdownState));
            }

            _waiters.Clear();
            return true;
        }

        return false;
    }

    private TimeSpan NextWait()
    {
        // Nothing is polled: every timed step (startsecs, backoff, stopwaitsecs) has a deadline, and SIGCHLD and RPC
        // calls wake the loop. The long cap only guards against a lost wake-up; an idle daemon costs no CPU.
        var accepting = Mood == SupervisorMood.Running;
        var now = Now;
        var next = now + IdleWait;
        foreach (var g in _groups.Values)
        {
            foreach (var p in g.Processes)
            {
                if (p.NextDeadline(accepting) is { } d && d < next)
                {
                    next = d;
                }
            }
        }

        if (!accepting)
        {
            next = Math.Min(next, now + 0.05);
        }
        else if (_startQueue.Count > 0 || _stopQueue.Count > 0)
        {
            next = Math.Min(next, now + 0.1);
        }

        if (ExtrasDeadline() is { } extra && extra < next)
        {
            next = extra;
        }

        if (NextTick() is { } tick && tick < next)
        {
            next = tick;
        }

        return TimeSpan.FromSeconds(Math.Clamp(next - now, 0, IdleWait));
    }

    /// <summary>Reaps any exited children now (RPC calls use it to see an immediate death).</summary>
    internal void ReapNow() => Reap();

    private void Reap()
    {
        if (!_reapChildren)
        {
            return;
        }

        if (_earlyExits.Count > 0)
        {
            // Children started ahead (Prespawn) that died before their process took them: finish them now.
            foreach (var (early, earlyStatus) in _earlyExits.Where(e => _byPid.ContainsKey(e.Key)).ToList())
            {
                _earlyExits.Remove(early);
                _byPid.Remove(early, out var owner);
                ListenerFinished(owner!);
                owner!.Finish(earlyStatus);
                AfterExit(owner);
            }
        }

        while (true)
        {
            var pid = Posix.waitpid(-1, out var status, Posix.WNoHang);
            if (pid <= 0)
            {
                return;
            }

            if (ReapAux(pid, status))
            {
                continue;
            }

            if (_prespawnedPids.Contains(pid))
            {
                _earlyExits[pid] = status;
                Wake();
                continue;
            }

            if (_byPid.Remove(pid, out var process))
            {
                ListenerFinished(process);
                process.Finish(status);
                AfterExit(process);
            }
            else
            {
                Log.Write("info", $"reaped unknown pid {pid} ({Subprocess.DecodeWaitStatus(status).Message})");
            }
        }
    }

    /// <summary>A test's fake child ended: what the reaper does for a real one.</summary>
    internal void Finish(int pid, int status)
    {
        if (_byPid.Remove(pid, out var process))
        {
            ListenerFinished(process);
            process.Finish(status);
        }
    }

    /// <summary>
    /// A deferred reply: <paramref name="poll"/> runs under the gate after every loop pass until it returns
    /// something other than <see cref="Pending"/> (or throws a fault).
    /// </summary>
    public Task<object?> DeferAsync(Func<object?> poll)
    {
        var done = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters.Add((poll, done));
        Wake();
        return done.Task;
    }

    public static object Pending => NotDoneYet;

    private const double IdleWait = 30.0;
    private const int PrespawnThreshold = 8;

    private void PollWaiters()
    {
        for (var i = 0; i < _waiters.Count; i++)
        {
            var (poll, done) = _waiters[i];
            try
            {
                var result = poll();
                if (ReferenceEquals(result, NotDoneYet))
                {
                    continue;
                }

                done.TrySetResult(result);
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }

            _waiters.RemoveAt(i);
            i--;
        }
    }

    public void Dispose()
    {
        Pump.Dispose();
        CloseForwarders();
        _wake.Dispose();
        foreach (var g in _groups.Values)
        {
            foreach (var p in g.Processes)
            {
                CloseLogs(p);
            }
        }
    }

    internal static bool IsRoot => Posix.geteuid() == 0;

    internal static void SetUmask(int mask) => _ = PosixMisc.umask(mask);

    internal static bool IsLinux => RuntimeInformation.IsOSPlatform(OSPlatform.Linux);
}
