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
    private readonly TimeProvider _time;
    private readonly ConfigReader _reader;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly List<(Func<object?> Poll, TaskCompletionSource<object?> Done)> _waiters = [];
    private readonly ProcessTable _table = new();
    private readonly FastCgiSockets _fastCgi;
    private readonly LogForwarding _forwarding;
    private readonly ChildOutput _output;
    private readonly TreeKiller _treeKiller;
    private readonly double _startedAt = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
    private List<ProcessGroup>? _stopGroups;

    public SupervisorDaemon(SupervisorConfig config, IProcessSpawner spawner, TimeProvider time, MainLog log, ConfigReader reader)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        _time = time;
        Log = log;
        _reader = reader;
        Pump = new OutputPump();
        _fastCgi = new FastCgiSockets(log, spawner);
        _forwarding = new LogForwarding(log, time, config.Daemon.SyslogForwardBuffer);
        _treeKiller = new TreeKiller(log, () => Now);
        ChildLogs = new ChildLogs(config.Daemon, log.Write);
        Events = new EventHub(log, Wake, () => Now, FindGroup);
        Spawning = new ChildSpawning(spawner, _fastCgi, () => Now, ServerUrlOf(config));
        Dependencies = new DependencyScheduler(log, Wake, p => Health!.AllowsDependants(p), () => Mood == SupervisorMood.Running);
        Health = new HealthMonitor(Gate, log, Wake, time, spawner, Spawning.Environment, Dependencies);
        Rescaler = new Rescaler(_table, log, Wake, () => Now, NewProcess, Joined, Left);
        _output = new ChildOutput(Pump, ChildLogs, Events, _forwarding, config.Daemon.StripAnsi, Wake);
    }

    public Lock Gate { get; } = new();

    public SupervisorConfig Config { get; private set; }

    public MainLog Log { get; }

    public OutputPump Pump { get; }

    public SupervisorMood Mood { get; private set; } = SupervisorMood.Running;

    /// <summary><c>depends_on</c>: start and stop ordering between processes.</summary>
    public DependencyScheduler Dependencies { get; }

    /// <summary><c>healthcheck</c>: the health of each process that has a check.</summary>
    public HealthMonitor Health { get; }

    /// <summary>Event notifications to <c>[eventlistener:x]</c> pools.</summary>
    public EventHub Events { get; }

    /// <summary>The processes' log files.</summary>
    public ChildLogs ChildLogs { get; }

    /// <summary>What children are spawned with, and batches started ahead.</summary>
    public ChildSpawning Spawning { get; }

    /// <summary><c>update_in_place</c>: numprocs changes applied to the difference only.</summary>
    public Rescaler Rescaler { get; }

    /// <summary>The environment children inherit (the daemon's, with [supervisord] environment applied).</summary>
    public IReadOnlyDictionary<string, string> BaseEnvironment
    {
        get => Spawning.BaseEnvironment;
        init => Spawning.BaseEnvironment = value;
    }

    /// <summary>Set when a <c>fatal_exit=true</c> program went FATAL: the daemon shuts down and exits with 1.</summary>
    public string? FatalExitReason { get; private set; }

    /// <summary>Active groups in start order (priority, then name).</summary>
    public IReadOnlyList<ProcessGroup> Groups => _table.Ordered;

    public ProcessGroup? FindGroup(string name) => _table.Find(name);

    public IEnumerable<(ProcessGroup Group, Subprocess Process)> AllProcesses() =>
        Groups.SelectMany(g => g.Processes.Select(p => (g, p)));

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
            Events.Notify(Slipway.Supervisor.Events.SupervisorEvent.SupervisorState("SUPERVISOR_STATE_CHANGE_RUNNING"));
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
        Events.ReadInput();
        if (!accepting)
        {
            Events.NotifyStopping();
            _stopGroups ??= Groups.ToList();
            if (_stopGroups.Count > 0)
            {
                Dependencies.StopGroupForShutdown(_stopGroups[^1]);
            }
        }

        Reap();
        if (Dependencies.UsesDependencies)
        {
            Dependencies.Step(accepting);
        }

        var groups = Groups;
        if (accepting)
        {
            var batch = groups.SelectMany(g => g.Processes).Where(p => p.WouldSpawn()).ToList();
            if (batch.Count >= PrespawnThreshold)
            {
                Spawning.Prespawn(batch);
            }
        }

        foreach (var group in groups)
        {
            foreach (var p in group.Processes)
            {
                p.Transition(accepting);
            }

            Events.Dispatch(group, Config.Daemon.Identifier, ChildOutput.WriteStdin);
        }

        Reap();
        if (Dependencies.UsesDependencies)
        {
            Dependencies.Step(accepting);
        }

        Health.Step(accepting);
        _treeKiller.Step();
        Events.Tick();
        if (!accepting && _stopGroups is { Count: > 0 } && !_stopGroups[^1].HasUnstopped)
        {
            _stopGroups.RemoveAt(_stopGroups.Count - 1);
            if (_stopGroups.Count > 0)
            {
                Dependencies.StopGroupForShutdown(_stopGroups[^1]);
            }
        }

        PollWaiters();
        if (!accepting && _stopGroups is { Count: 0 } && !_table.HasUnstopped)
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
        foreach (var g in _table.All)
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
        else if (Dependencies.HasQueued)
        {
            next = Math.Min(next, now + 0.1);
        }

        if (_treeKiller.Deadline() is { } extra && extra < next)
        {
            next = extra;
        }

        if (Events.NextTick() is { } tick && tick < next)
        {
            next = tick;
        }

        return TimeSpan.FromSeconds(Math.Clamp(next - now, 0, IdleWait));
    }

    /// <summary>Reaps any exited children now (RPC calls use it to see an immediate death).</summary>
    internal void ReapNow() => Reap();

    private void Reap()
    {
        // Children started ahead (Prespawn) that died before their process took them: finish them now.
        foreach (var (early, earlyStatus) in Spawning.TakeEarlyExits(_table.IsBound))
        {
            Exited(early, earlyStatus);
        }

        while (true)
        {
            var pid = Posix.waitpid(-1, out var status, Posix.WNoHang);
            if (pid <= 0)
            {
                return;
            }

            if (Health.Reap(pid, status))
            {
                continue;
            }

            if (Spawning.KeepEarlyExit(pid, status))
            {
                Wake();
                continue;
            }

            if (!Exited(pid, status))
            {
                Log.Write("info", $"reaped unknown pid {pid} ({Subprocess.DecodeWaitStatus(status).Message})");
            }
        }
    }

    private bool Exited(int pid, int status)
    {
        if (!_table.Unbind(pid, out var process))
        {
            return false;
        }

        Events.ListenerFinished(process!);
        process!.Finish(status);
        _treeKiller.AfterExit(process);
        return true;
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
        _forwarding.Dispose();
        _wake.Dispose();
        ChildLogs.Dispose();
    }

    internal static bool IsRoot => Posix.geteuid() == 0;

    internal static void SetUmask(int mask) => _ = PosixMisc.umask(mask);

    internal static bool IsLinux => RuntimeInformation.IsOSPlatform(OSPlatform.Linux);
}
