using System.Collections.Concurrent;
using Slipway.Supervisor.Config;
using Slipway.Supervisor.Native;
using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Daemon;

/// <summary>
/// What a process is spawned with (its resolved command and environment), and the children of a large batch started
/// ahead in parallel. Under the gate, except the spawn threads of <see cref="Prespawn"/>.
/// </summary>
/// <remarks><c>serverUrl</c>: SUPERVISOR_SERVER_URL for children that set none of their own.</remarks>
public sealed class ChildSpawning(IProcessSpawner spawner, FastCgiSockets fastCgi, Func<double> now, string? serverUrl)
{
    private const int MaxSpawnThreads = 16;
    private readonly Dictionary<Subprocess, object> _prespawned = [];

    /// <summary>Children started ahead but not yet handed to their process, and the wait status of any that died meanwhile.</summary>
    private readonly HashSet<int> _prespawnedPids = [];
    private readonly Dictionary<int, int> _earlyExits = [];

    /// <summary>The environment children inherit (the daemon's, with [supervisord] environment applied).</summary>
    public IReadOnlyDictionary<string, string> BaseEnvironment { get; set; } = new Dictionary<string, string>();

    /// <summary>The child for the process: the one started ahead, else a new one. Throws <see cref="SpawnException"/>.</summary>
    internal SpawnedChild Spawn(Subprocess process)
    {
        SpawnedChild child;
        if (_prespawned.Remove(process, out var ready))
        {
            child = ready as SpawnedChild ?? throw (SpawnException)ready;
        }
        else
        {
            child = fastCgi.IsFastCgi(process) ? fastCgi.Spawn(process, Request(process)) : spawner.Spawn(Request(process));
        }

        _prespawnedPids.Remove(child.Pid);
        return child;
    }

    /// <summary>Reaper: true when <paramref name="pid"/> was started ahead and not yet taken (its status is kept).</summary>
    internal bool KeepEarlyExit(int pid, int status)
    {
        if (!_prespawnedPids.Contains(pid))
        {
            return false;
        }

        _earlyExits[pid] = status;
        return true;
    }

    /// <summary>Children started ahead that died before their process took them, among those <paramref name="owned"/> says are taken now.</summary>
    internal List<(int Pid, int Status)> TakeEarlyExits(Func<int, bool> owned)
    {
        if (_earlyExits.Count == 0)
        {
            return [];
        }

        var taken = _earlyExits.Where(e => owned(e.Key)).Select(e => (e.Key, e.Value)).ToList();
        foreach (var (pid, _) in taken)
        {
            _earlyExits.Remove(pid);
        }

        return taken;
    }

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
        batch = batch.Where(p => !fastCgi.IsFastCgi(p)).ToList();
        if (batch.Count == 0)
        {
            return;
        }

        StartupTrace.Mark($"prespawn {batch.Count}");
        var results = new object[batch.Count];
        var resolved = new ConcurrentDictionary<string, object>(StringComparer.Ordinal);
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
                        var launchedAt = now();
                        results[i] = spawner.Spawn(request) with { LaunchedAt = launchedAt };
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

    /// <summary>Whether the process's command resolves on the daemon's PATH (startProcess refuses one that does not).</summary>
    internal bool Resolves(Subprocess p)
    {
        try
        {
            CommandResolver.Resolve(p.Config.Command, BaseEnvironment.GetValueOrDefault("PATH"));
            return true;
        }
        catch (SpawnException)
        {
            return false;
        }
    }

    private SpawnRequest Request(Subprocess process, ConcurrentDictionary<string, object>? resolved = null)
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
        var env = Environment(process);
        return new SpawnRequest(path, argv, env.ToList(), process.Config.Directory, process.Config.Umask,
            process.Config.User, process.Config.RedirectStderr);
    }

    /// <summary>
    /// The child's environment: the daemon's, the SUPERVISOR_* variables, then envfile= (read now, so an edit
    /// applies at the next start; a missing file is a spawn error), then environment= (which wins).
    /// </summary>
    internal Dictionary<string, string> Environment(Subprocess process)
    {
        var env = new Dictionary<string, string>(BaseEnvironment, StringComparer.Ordinal)
        {
            ["SUPERVISOR_ENABLED"] = "1",
            ["SUPERVISOR_PROCESS_NAME"] = process.Config.Name,
            ["SUPERVISOR_GROUP_NAME"] = process.GroupName,
        };
        if ((process.Config.ServerUrl ?? serverUrl) is { } url)
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
            var (name, value) = TreeKiller.EnvironmentMarker(process);
            env[name] = value;
        }

        return env;
    }
}
