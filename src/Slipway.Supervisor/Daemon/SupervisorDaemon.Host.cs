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

    /// <summary>Children started ahead but not yet handed to their process, and the wait status of any that died meanwhile.</summary>
    private readonly HashSet<int> _prespawnedPids = [];
    private readonly Dictionary<int, int> _earlyExits = [];

    /// <summary>
    /// Starts the children of a large batch (start-up, start all) on several threads before the state machine
    /// asks for them one by one: posix_spawn blocks until the child has exec'd, and overlapping those waits is
    /// what makes 500 programs start quickly. The state machine then takes each child from here.
    /// The wait is mostly the child getting a CPU (on a busy machine, the run queue), not work: so use plenty of
    /// dedicated threads (thread-pool workers would be injected too slowly to help), and resolve each distinct
    /// command once per batch.
    /// </summary>
    internal void Prespawn(IReadOnlyList<Subprocess> batch)
    {
        // An fcgi-program's child takes its group's socket as it starts: those start on their turn.
        batch = batch.Where(p => !IsFastCgi(p)).ToList();
        if (batch.Count == 0)
        {
            return;
        }

        StartupTrace.Mark($"prespawn {batch.Count}");
        var results = new object[batch.Count];
        var resolved = new System.Collections.Concurrent.ConcurrentDictionary<string, object>(StringComparer.Ordinal);
        var next = -1;
        var workers = new Thread[Math.Clamp(batch.Count / 8, 1, MaxSpawnThreads)];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = new Thread(() =>
            {
                for (var i = Interlocked.Increment(ref next); i < batch.Count; i = Interlocked.Increment(ref next))
                {
                    try
                    {
                        var request = Request(batch[i], resolved);
                        var launchedAt = Now;
                        results[i] = _spawner.Spawn(request) with { LaunchedAt = launchedAt };
                    }
                    catch (SpawnException e)
                    {
                        results[i] = e;
                    }
                }
            }, 256 * 1024) { IsBackground = true, Name = "supervise-spawn" };
            workers[w].Start();
        }

        foreach (var worker in workers)
        {
            worker.Join();
        }

        for (var i = 0; i < batch.Count; i++)
        {
            _prespawned[batch[i]] = results[i];
            if (results[i] is SpawnedChild child)
            {
                _prespawnedPids.Add(child.Pid);
            }
        }

        StartupTrace.Mark($"prespawned {batch.Count}");
    }

    /// <summary>
    /// startAllProcesses / startProcessGroup: start in parallel the children that the calls that follow will
    /// start one by one (those not running, not UNKNOWN, whose command resolves; the same checks startProcess makes).
    /// </summary>
    internal void PrespawnForStart(IEnumerable<Subprocess> candidates)
    {
        var path = BaseEnvironment.GetValueOrDefault("PATH");
        var batch = candidates.Where(p => p.Pid == 0 && !ProcessStates.IsRunning(p.State) && p.State != ProcessState.Unknown && MayStart(p) && Resolves(p, path)).ToList();
        if (batch.Count >= PrespawnThreshold)
        {
            Prespawn(batch);
        }
    }

    private static bool Resolves(Subprocess p, string? path)
    {
        try
        {
            CommandResolver.Resolve(p.Config.Command, path);
            return true;
        }
        catch (SpawnException)
        {
            return false;
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
            child = IsFastCgi(process) ? SpawnFastCgi(process, Request(process)) : _spawner.Spawn(Request(process));
        }

        _byPid[child.Pid] = process;
        _prespawnedPids.Remove(child.Pid);
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
            RegisterOutput(child.StdoutFd, process, pid, "stdout", process.Config.Stdout, () => LogsOf(process).Stdout);
        }

        if (child.StderrFd >= 0)
        {
            RegisterOutput(child.StderrFd, process, pid, "stderr", process.Config.Stderr, () => LogsOf(process).Stderr);
        }

        return child;
    }

    /// <summary>
    /// Reads one output channel of a run into its log. With <c>*_capture_maxbytes</c> above 0 the output goes
    /// through capture mode (BEGIN/END blocks become PROCESS_COMMUNICATION events); otherwise straight to the log.
    /// </summary>
    private void RegisterOutput(int fd, Subprocess process, int pid, string channel, LogChannelConfig config, Func<RotatingLogFile?> log)
    {
        var tap = Tap(process, pid, channel, config.EventsEnabled);
        Func<RotatingLogFile?>? sink = log;
        if (Config.Daemon.StripAnsi)
        {
            // The stripped bytes are what is logged, forwarded and put in PROCESS_LOG events, as in supervisord.
            tap = new StripAnsiTap(log, tap).OnData;
            sink = null;
        }

        if (config.CaptureMaxBytes <= 0)
        {
            Pump.Register(fd, sink, tap);
            return;
        }

        OutputTap? captured = config.EventsEnabled ? data => QueueLogEvent(process, pid, channel, data) : null;
        var capture = new CaptureTap(config.CaptureMaxBytes, sink, tap, captured, data => QueueCommunicationEvent(process, pid, channel, data));
        Pump.Register(fd, null, capture.OnData, capture.OnClosed);
    }

    private const int MaxSpawnThreads = 16;

    private SpawnRequest Request(Subprocess process, System.Collections.Concurrent.ConcurrentDictionary<string, object>? resolved = null)
    {
        (string Path, IReadOnlyList<string> Argv) Resolve() => CommandResolver.Resolve(process.Config.Command, BaseEnvironment.GetValueOrDefault("PATH"));
        var (path, argv) = resolved is null ? Resolve()
            : resolved.GetOrAdd(process.Config.Command, _ =>
            {
                try
                {
                    return Resolve();
                }
                catch (SpawnException e)
                {
                    return e;
                }
            }) switch
            {
                SpawnException e => throw new SpawnException(e.Message),
                var r => ((string, IReadOnlyList<string>))r,
            };
        var env = ChildEnvironment(process);
        return new SpawnRequest(path, argv, env.ToList(), process.Config.Directory, process.Config.Umask,
            process.Config.User, process.Config.RedirectStderr);
    }

    /// <summary>
    /// The child's environment: the daemon's, the SUPERVISOR_* variables, then envfile= (read now, so an edit
    /// applies at the next start; a missing file is a spawn error), then environment= (which wins).
    /// </summary>
    private Dictionary<string, string> ChildEnvironment(Subprocess process)
    {
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

        var extras = process.Config.Extras;
        if (extras.EnvFiles.Count > 0)
        {
            try
            {
                foreach (var (k, v) in EnvFile.Load(extras.EnvFiles))
                {
                    env[k] = v;
                }
            }
            catch (FormatException e)
            {
                throw new SpawnException(e.Message);
            }
        }

        foreach (var (k, v) in process.Config.Environment)
        {
            env[k] = v;
        }

        if (extras.KillTree)
        {
            var marker = TreeMarker(process);
            env[TreeVariable] = marker[(TreeVariable.Length + 1)..];
        }

        return env;
    }

    int IProcessHost.Kill(int pid, int signal)
    {
        var rc = Posix.kill(pid, signal) == 0 ? 0 : Posix.Errno;
        if (_byPid.TryGetValue(Math.Abs(pid), out var process) && process.Config.Extras.KillTree && process.Killing)
        {
            KillTree(process, signal);
        }

        return rc;
    }

    void IProcessHost.Detach(Subprocess process)
    {
        FastCgiChildGone(process);
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

        ExtrasStateChanged(process, from);
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

    /// <summary>
    /// Makes the group's processes; AUTO log names are created now, like supervisord's mkstemp. Throws
    /// <see cref="FastCgiSocketException"/> when an fcgi-program's socket cannot be bound (the group is not added).
    /// </summary>
    internal bool AddGroup(GroupConfig config)
    {
        if (_groups.ContainsKey(config.Name))
        {
            return false;
        }

        FastCgiGroupAdding(config);

        var processes = config.Processes.Select(pc => new Subprocess(pc, config.Name, this, _time)
        {
            StdoutLogFile = pc.Stdout.IsAuto ? AutoLogName(pc.Name, "stdout") : pc.Stdout.File,
            StderrLogFile = pc.Stderr.IsAuto ? AutoLogName(pc.Name, "stderr") : pc.Stderr.File,
        }).ToList();
        var pool = config.Listener is { } l ? new Events.EventListenerPool(config.Name, l.BufferSize, l.Events, Log.Write) : null;
        _groups[config.Name] = new ProcessGroup(config, processes) { Pool = pool };
        CreateAutoLogs();
        if (pool is not null)
        {
            _pools.Add(pool);
        }

        RebuildDependencies();
        ExtrasGroupAdded(processes);
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
        FastCgiGroupRemoved(name);
        RebuildDependencies();
        ExtrasGroupRemoved(group.Processes);
        Notify(Events.SupervisorEvent.GroupChange("PROCESS_GROUP_REMOVED", name));
        Log.Write("info", $"removed process group {name}");
        return true;
    }

    private string AutoLogName(string name, string channel)
    {
        var dir = Config.Daemon.ChildLogDir;
        if (!_autoDirs.Contains(dir))
        {
            Directory.CreateDirectory(dir);
            _autoDirs.Add(dir);
        }

        // Named now (supervisord's mkstemp), created just after: creating a thousand files costs 0.5-2 s on a busy
        // disk, which would otherwise delay every spawn. A child's output opens (O_CREAT) its file anyway.
        var path = Path.Combine(dir, $"{name}-{channel}---{Config.Daemon.Identifier}-{RandomSuffix()}.log");
        _autoLogsToCreate.Add(path);
        return path;
    }

    private readonly HashSet<string> _autoDirs = new(StringComparer.Ordinal);
    private readonly List<string> _autoLogsToCreate = [];
    private Task _autoLogsCreated = Task.CompletedTask;

    /// <summary>Creates the AUTO log files named since the last call, on a worker thread, in order.</summary>
    private void CreateAutoLogs()
    {
        if (_autoLogsToCreate.Count == 0)
        {
            return;
        }

        var paths = _autoLogsToCreate.ToArray();
        _autoLogsToCreate.Clear();
        _autoLogsCreated = _autoLogsCreated.ContinueWith(_ =>
        {
            foreach (var path in paths)
            {
                var fd = Posix.open(path, Posix.OWriteOnly | Posix.OCreate | Posix.OCloExec, Convert.ToInt32("644", 8));
                if (fd >= 0)
                {
                    Posix.close(fd);
                }
            }
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

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
        NoteRescales(changed);
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
