using System.Globalization;
using Slipway.Supervisor.Config;
using Slipway.Supervisor.Events;
using Slipway.Supervisor.Native;
using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Daemon;

/// <summary>The daemon's side of each process (spawning, signalling, state changes) and of each group (add, remove, re-read).</summary>
public sealed partial class SupervisorDaemon : IProcessHost
{
    /// <summary>SUPERVISOR_SERVER_URL for children: the unix socket when there is one.</summary>
    internal static string? ServerUrlOf(SupervisorConfig config) => config.UnixServer is { } u ? "unix://" + u.File
        : config.InetServer is { } i ? $"http://{(i.Host.Length == 0 ? "localhost" : i.Host)}:{i.Port.ToString(CultureInfo.InvariantCulture)}" : null;

    /// <summary>
    /// startAllProcesses / startProcessGroup: start in parallel the children that the calls that follow will
    /// start one by one (those not running, not UNKNOWN, whose command resolves; the same checks startProcess makes).
    /// </summary>
    internal void PrespawnForStart(IEnumerable<Subprocess> candidates)
    {
        var batch = candidates.Where(p => p.Pid == 0 && !ProcessStates.IsRunning(p.State) && p.State != ProcessState.Unknown
            && Dependencies.MayStart(p) && Spawning.Resolves(p)).ToList();
        if (batch.Count >= PrespawnThreshold)
        {
            Spawning.Prespawn(batch);
        }
    }

    SpawnedChild IProcessHost.Spawn(Subprocess process)
    {
        var child = Spawning.Spawn(process);
        _table.Bind(child.Pid, process);
        _output.Register(process, child, isListener: FindGroup(process.GroupName)?.Pool is not null);
        return child;
    }

    int IProcessHost.Kill(int pid, int signal)
    {
        var rc = Posix.kill(pid, signal) == 0 ? 0 : Posix.Errno;
        if (_table.ByPid(Math.Abs(pid)) is { } process && process.Config.Extras.KillTree && process.Killing)
        {
            _treeKiller.Signal(process, signal);
        }

        return rc;
    }

    void IProcessHost.Detach(Subprocess process)
    {
        _fastCgi.ChildGone(process);
        if (process.Child is { StdinFd: >= 0 } child)
        {
            Posix.close(child.StdinFd);
        }
    }

    void IProcessHost.Log(string level, string message) => Log.Write(level, message);

    bool IProcessHost.MayStart(Subprocess process) => Dependencies.MayStart(process);

    void IProcessHost.StateChanged(Subprocess process, ProcessState from, bool expected)
    {
        Log.Write("debug", $"{process.Config.Name} {ProcessStates.Name(from)} -> {ProcessStates.Name(process.State)}");
        if (Events.HasPools)
        {
            Events.Notify(SupervisorEvent.ProcessState(process, from, expected));
        }

        if (process.State == ProcessState.Fatal && process.Config.Extras.FatalExit && FatalExitReason is null)
        {
            FatalExitReason = $"{process.Namespec} entered FATAL state (fatal_exit=true)";
            Log.Write("critical", FatalExitReason + ", shutting down");
            RequestShutdown();
        }

        Health.StateChanged(process, from);
        PollWaiters();
    }

    /// <summary>USR2: reopen the main log and every child log.</summary>
    public void ReopenLogs()
    {
        Log.File?.Reopen();
        ChildLogs.ReopenAll();
    }

    private Subprocess NewProcess(ProcessConfig config, string group) => ChildLogs.NewProcess(config, group, this, _time);

    /// <summary>Processes joined the table: AUTO logs are created, and dependencies, health and killtree learn of them.</summary>
    private void Joined(IReadOnlyList<Subprocess> processes)
    {
        ChildLogs.CreateAutoLogs();
        Dependencies.Rebuild(_table.All);
        Health.Added(processes);
        if (processes.Any(p => p.Config.Extras.KillTree) && IsLinux)
        {
            _treeKiller.BecomeSubreaper();
        }
    }

    /// <summary>Processes left the table: their logs close, and nothing refers to them any more.</summary>
    private void Left(IReadOnlyList<Subprocess> processes)
    {
        foreach (var p in processes)
        {
            ChildLogs.Close(p);
            Events.Forget(p);
        }

        Dependencies.Rebuild(_table.All);
        Health.Removed(processes);
    }

    /// <summary>
    /// Makes the group's processes; AUTO log names are created now, like supervisord's mkstemp. Throws
    /// <see cref="FastCgiSocketException"/> when an fcgi-program's socket cannot be bound (the group is not added).
    /// </summary>
    internal bool AddGroup(GroupConfig config)
    {
        if (_table.Contains(config.Name))
        {
            return false;
        }

        _fastCgi.GroupAdding(config);
        var processes = config.Processes.Select(pc => NewProcess(pc, config.Name)).ToList();
        var pool = config.Listener is { } l ? new EventListenerPool(config.Name, l.BufferSize, l.Events, Log.Write) : null;
        _table.Set(new ProcessGroup(config, processes) { Pool = pool });
        if (pool is not null)
        {
            Events.AddPool(pool);
        }

        Joined(processes);
        Events.Notify(SupervisorEvent.GroupChange("PROCESS_GROUP_ADDED", config.Name));
        Log.Write("info", $"added process group {config.Name}");
        Wake();
        return true;
    }

    internal bool RemoveGroup(string name)
    {
        if (FindGroup(name) is not { } group || group.HasUnstopped)
        {
            return false;
        }

        if (group.Pool is { } pool)
        {
            Events.RemovePool(pool);
        }

        _table.Remove(name);
        _fastCgi.GroupRemoved(name);
        Left(group.Processes);
        Events.Notify(SupervisorEvent.GroupChange("PROCESS_GROUP_REMOVED", name));
        Log.Write("info", $"removed process group {name}");
        return true;
    }

    /// <summary>reloadConfig: read the file again; returns the group names added, changed and removed.</summary>
    public (List<string> Added, List<string> Changed, List<string> Removed) Reread()
    {
        var fresh = _reader.Read(Config.Path);
        Config = Config with { Groups = fresh.Groups };
        var added = fresh.Groups.Where(g => !_table.Contains(g.Name)).Select(g => g.Name).ToList();
        var removed = _table.Names.Where(n => fresh.Groups.All(g => g.Name != n)).Order(StringComparer.Ordinal).ToList();
        var changed = fresh.Groups.Where(g => FindGroup(g.Name) is { } live && live.Config.Signature() != g.Signature())
            .Select(g => g.Name).ToList();
        Rescaler.Note(changed, Config.Groups, Config.Daemon.UpdateInPlace);
        return (added, changed, removed);
    }

    /// <summary>What <c>/metrics</c> reports, taken under the gate.</summary>
    public DaemonSnapshot Snapshot()
    {
        List<ProcessSnapshot> processes;
        bool running;
        lock (Gate)
        {
            var now = Now;
            running = Mood == SupervisorMood.Running;
            processes = AllProcesses().OrderBy(x => x.Group.Name, StringComparer.Ordinal).ThenBy(x => x.Process.Config.Name, StringComparer.Ordinal)
                .Select(x =>
                {
                    var p = x.Process;
                    var health = Health.Of(p);
                    return new ProcessSnapshot(x.Group.Name, p.Config.Name, p.State, p.State == ProcessState.Running ? Math.Max(0, now - p.LastStart) : 0,
                        p.Starts, p.Pid, health?.Healthy, health?.FailedChecks ?? 0, health is not null);
                }).ToList();
        }

        var (sent, dropped, forwarding) = _forwarding.Counters();
        return new DaemonSnapshot(running, Environment.ProcessId, TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0 - _startedAt,
            dropped, sent, forwarding, processes)
        {
            LogDroppedBytes = ChildLogs.Failures.DroppedBytes,
        };
    }
}
