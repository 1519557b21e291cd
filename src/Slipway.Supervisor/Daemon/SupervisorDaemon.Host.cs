using System.Globalization;
using Slipway.Supervisor.Config;
using Slipway.Supervisor.Logging;
using Slipway.Supervisor.Native;
using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Daemon;

/// <summary>The daemon's side of each process: spawning, signalling, its log files.</summary>
public sealed partial class SupervisorDaemon : IProcessHost
{
    private readonly Dictionary<Subprocess, (RotatingLogFile? Stdout, RotatingLogFile? Stderr)> _logs = [];
    private readonly HashSet<Subprocess> _closedLogs = [];

    /// <summary>The environment children inherit (the daemon's, with [supervisord] environment applied).</summary>
    public IReadOnlyDictionary<string, string> BaseEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>SUPERVISOR_SERVER_URL for children: the unix socket when there is one.</summary>
    public string? ServerUrl => Config.UnixServer is { } u ? "unix://" + u.File
        : Config.InetServer is { } i ? $"http://{(i.Host.Length == 0 ? "localhost" : i.Host)}:{i.Port.ToString(CultureInfo.InvariantCulture)}" : null;

    private readonly Dictionary<Subprocess, object> _prespawned = [];

    /// <summary>
    /// Starts the children of a large batch (start-up, start all) on several threads before the state machine
    /// asks for them one by one: posix_spawn blocks until the child has exec'd, and overlapping those waits is
    /// what makes 500 programs start quickly. The state machine then takes each child from here.
    /// </summary>
    internal void Prespawn(IReadOnlyList<Subprocess> batch)
    {
        var results = new object[batch.Count];
        Parallel.For(0, batch.Count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            try
            {
                results[i] = _spawner.Spawn(Request(batch[i]));
            }
            catch (SpawnException e)
            {
                results[i] = e;
            }
        });
        for (var i = 0; i < batch.Count; i++)
        {
            _prespawned[batch[i]] = results[i];
        }
    }

    SpawnedChild IProcessHost.Spawn(Subprocess process)
    {
        SpawnedChild child;
        if (_prespawned.Remove(process, out var ready))
        {
            child = ready as SpawnedChild ?? throw (SpawnException)ready;
        }
        else
        {
            child = _spawner.Spawn(Request(process));
        }

        _byPid[child.Pid] = process;
        var pid = child.Pid;
        if (FindGroup(process.GroupName)?.Pool is not null)
        {
            // A listener's stdout is the protocol channel (it is still logged); its stdout events are never raised.
            var channel = NewChannel(process);
            Pump.Register(child.StdoutFd, () => LogsOf(process).Stdout, data =>
            {
                channel.Receive(data.ToArray());
                Wake();
            });
        }
        else
        {
            Pump.Register(child.StdoutFd, () => LogsOf(process).Stdout,
                process.Config.Stdout.EventsEnabled ? data => QueueLogEvent(process, pid, "stdout", data) : null);
        }

        if (child.StderrFd >= 0)
        {
            Pump.Register(child.StderrFd, () => LogsOf(process).Stderr,
                process.Config.Stderr.EventsEnabled ? data => QueueLogEvent(process, pid, "stderr", data) : null);
        }

        return child;
    }

    private SpawnRequest Request(Subprocess process)
    {
        var (path, argv) = CommandResolver.Resolve(process.Config.Command, BaseEnvironment.GetValueOrDefault("PATH"));
        var env = new Dictionary<string, string>(BaseEnvironment, StringComparer.Ordinal)
        {
            ["SUPERVISOR_ENABLED"] = "1",
            ["SUPERVISOR_PROCESS_NAME"] = process.Config.Name,
            ["SUPERVISOR_GROUP_NAME"] = process.GroupName,
        };
        if ((process.Config.ServerUrl ?? ServerUrl) is { } url)
        {
            env["SUPERVISOR_SERVER_URL"] = url;
        }

        foreach (var (k, v) in process.Config.Environment)
        {
            env[k] = v;
        }

        return new SpawnRequest(path, argv, env.ToList(), process.Config.Directory, process.Config.Umask,
            process.Config.User, process.Config.RedirectStderr);
    }

    int IProcessHost.Kill(int pid, int signal) => Posix.kill(pid, signal) == 0 ? 0 : Posix.Errno;

    void IProcessHost.Detach(Subprocess process)
    {
        if (process.Child is { StdinFd: >= 0 } child)
        {
            Posix.close(child.StdinFd);
        }
    }

    void IProcessHost.Log(string level, string message) => Log.Write(level, message);

    void IProcessHost.StateChanged(Subprocess process, ProcessState from, bool expected)
    {
        Log.Write("debug", $"{process.Config.Name} {ProcessStates.Name(from)} -> {ProcessStates.Name(process.State)}");
        if (HasPools)
        {
            Notify(Events.SupervisorEvent.ProcessState(process, from, expected));
        }

        PollWaiters();
    }

    /// <summary>Writes to the child's stdin (sendProcessStdin); false when the pipe is closed (EPIPE).</summary>
    public unsafe bool WriteStdin(Subprocess process, byte[] data)
    {
        if (process.Child is not { StdinFd: >= 0 } child)
        {
            return false;
        }

        fixed (byte* p = data)
        {
            var offset = 0;
            while (offset < data.Length)
            {
                var n = Posix.write(child.StdinFd, p + offset, data.Length - offset);
                if (n < 0)
                {
                    if (Posix.Errno is Posix.EIntr or Posix.EAgain)
                    {
                        Thread.Yield();
                        continue;
                    }

                    return false;
                }

                offset += (int)n;
            }
        }

        return true;
    }

    public (RotatingLogFile? Stdout, RotatingLogFile? Stderr) LogsOf(Subprocess process)
    {
        lock (_logs)
        {
            if (_logs.TryGetValue(process, out var logs))
            {
                return logs;
            }

            if (_closedLogs.Contains(process))
            {
                return (null, null); // its group was removed: late output from the pipes is dropped, no file reopened
            }

            logs = (Open(process.StdoutLogFile, process.Config.Stdout), Open(process.StderrLogFile, process.Config.Stderr));
            _logs[process] = logs;
            return logs;
        }
    }

    private static RotatingLogFile? Open(string? path, LogChannelConfig channel) =>
        path is null ? null : new RotatingLogFile(path, channel.MaxBytes, channel.Backups);

    private void CloseLogs(Subprocess process)
    {
        lock (_logs)
        {
            _closedLogs.Add(process);
            if (_logs.Remove(process, out var logs))
            {
                logs.Stdout?.Dispose();
                logs.Stderr?.Dispose();
            }
        }
    }

    /// <summary>USR2: reopen the main log and every child log.</summary>
    public void ReopenLogs()
    {
        Log.File?.Reopen();
        lock (_logs)
        {
            foreach (var (stdout, stderr) in _logs.Values)
            {
                stdout?.Reopen();
                stderr?.Reopen();
            }
        }
    }

    /// <summary>Makes the group's processes; AUTO log names are created now, like supervisord's mkstemp.</summary>
    internal bool AddGroup(GroupConfig config)
    {
        if (_groups.ContainsKey(config.Name))
        {
            return false;
        }

        var processes = config.Processes.Select(pc => new Subprocess(pc, config.Name, this, _time)
        {
            StdoutLogFile = pc.Stdout.IsAuto ? AutoLogName(pc.Name, "stdout") : pc.Stdout.File,
            StderrLogFile = pc.Stderr.IsAuto ? AutoLogName(pc.Name, "stderr") : pc.Stderr.File,
        }).ToList();
        var pool = config.Listener is { } l ? new Events.EventListenerPool(config.Name, l.BufferSize, l.Events, Log.Write) : null;
        _groups[config.Name] = new ProcessGroup(config, processes) { Pool = pool };
        if (pool is not null)
        {
            _pools.Add(pool);
        }

        Notify(Events.SupervisorEvent.GroupChange("PROCESS_GROUP_ADDED", config.Name));
        Log.Write("info", $"added process group {config.Name}");
        Wake();
        return true;
    }

    internal bool RemoveGroup(string name)
    {
        if (!_groups.TryGetValue(name, out var group) || group.HasUnstopped)
        {
            return false;
        }

        foreach (var p in group.Processes)
        {
            CloseLogs(p);
            _channels.Remove(p);
        }

        if (group.Pool is { } pool)
        {
            _pools.Remove(pool);
        }

        _groups.Remove(name);
        Notify(Events.SupervisorEvent.GroupChange("PROCESS_GROUP_REMOVED", name));
        Log.Write("info", $"removed process group {name}");
        return true;
    }

    private string AutoLogName(string name, string channel)
    {
        var dir = Config.Daemon.ChildLogDir;
        Directory.CreateDirectory(dir);
        while (true)
        {
            // open(O_CREAT|O_EXCL) like mkstemp: a FileStream costs several more syscalls (fstat, flock) per file,
            // which adds up to half a second for 500 programs.
            var path = Path.Combine(dir, $"{name}-{channel}---{Config.Daemon.Identifier}-{RandomSuffix()}.log");
            var fd = Posix.open(path, Posix.OWriteOnly | Posix.OCreate | OExclusive | Posix.OCloExec, Convert.ToInt32("644", 8));
            if (fd >= 0)
            {
                Posix.close(fd);
                return path;
            }

            if (Posix.Errno != EExist)
            {
                throw new IOException($"cannot create {path}: {Posix.StrError(Posix.Errno)}");
            }
        }
    }

    private const int OExclusive = 0x80;
    private const int EExist = 17;

    private static string RandomSuffix()
    {
        const string Chars = "abcdefghijklmnopqrstuvwxyz0123456789_";
        return string.Create(8, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Chars[Random.Shared.Next(Chars.Length)];
            }
        });
    }

    /// <summary>reloadConfig: read the file again; returns the group names added, changed and removed.</summary>
    public (List<string> Added, List<string> Changed, List<string> Removed) Reread()
    {
        var fresh = _reader.Read(Config.Path);
        Config = Config with { Groups = fresh.Groups };
        var added = fresh.Groups.Where(g => !_groups.ContainsKey(g.Name)).Select(g => g.Name).ToList();
        var removed = _groups.Keys.Where(n => fresh.Groups.All(g => g.Name != n)).Order(StringComparer.Ordinal).ToList();
        var changed = fresh.Groups.Where(g => _groups.TryGetValue(g.Name, out var live) && live.Config.Signature() != g.Signature())
            .Select(g => g.Name).ToList();
        return (added, changed, removed);
    }

    /// <summary>Deletes AUTO logs left by an earlier run (supervisord does this at start unless nocleanup).</summary>
    public static void CleanupAutoLogs(DaemonOptions options)
    {
        if (options.NoCleanup || !Directory.Exists(options.ChildLogDir))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(options.ChildLogDir, $"*---{options.Identifier}-*.log*"))
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // in use or gone
            }
        }
    }
}
