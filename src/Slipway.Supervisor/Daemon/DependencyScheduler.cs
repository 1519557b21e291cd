using Slipway.Supervisor.Config;
using Slipway.Supervisor.Logging;
using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Daemon;

/// <summary>
/// <c>depends_on=</c>: a process is spawned only when every process of the programs it depends on is RUNNING (and
/// healthy when it has a health check); stopping a process first stops the processes that depend on it. Without
/// any depends_on in the config none of this runs and the daemon behaves as supervisord. All under the gate.
/// </summary>
/// <remarks><c>isHealthy</c>: Whether a process's health check (if it has one) allows depending on it.</remarks>
/// <remarks><c>daemonRunning</c>: Whether the daemon is running (not shutting down or restarting).</remarks>
public sealed class DependencyScheduler(MainLog log, Action wake, Func<Subprocess, bool> isHealthy, Func<bool> daemonRunning)
{
    private Dictionary<Subprocess, List<Subprocess>> _dependencies = [];
    private Dictionary<Subprocess, List<Subprocess>> _dependents = [];
    private readonly HashSet<Subprocess> _startQueue = [];
    private readonly HashSet<Subprocess> _stopQueue = [];
    private readonly Dictionary<Subprocess, string> _startCancelled = [];

    /// <summary>Dependents a stop took down with a dependency: started again when that dependency is started (a restart).</summary>
    private readonly Dictionary<Subprocess, HashSet<Subprocess>> _takenDown = [];

    private HashSet<string> _live = new(StringComparer.Ordinal);

    /// <summary>Whether any live process has a depends_on.</summary>
    public bool UsesDependencies => _dependencies.Count > 0;

    /// <summary>Recomputes who depends on whom from the live groups (after a group is added or removed).</summary>
    internal void Rebuild(IReadOnlyCollection<ProcessGroup> groups)
    {
        var dependencies = new Dictionary<Subprocess, List<Subprocess>>();
        var dependents = new Dictionary<Subprocess, List<Subprocess>>();
        var all = groups.SelectMany(g => g.Processes).ToList();
        _live = groups.Select(g => g.Name).ToHashSet(StringComparer.Ordinal);
        var configs = groups.Select(g => g.Config).ToList();
        foreach (var p in all.Where(p => p.Config.Extras.DependsOn.Count > 0))
        {
            var programs = p.Config.Extras.DependsOn.SelectMany(n => DependencyCheck.Resolve(n, configs) ?? []).ToHashSet(StringComparer.Ordinal);
            var deps = all.Where(q => q != p && programs.Contains(q.Config.Program)).ToList();
            dependencies[p] = deps;
            foreach (var d in deps)
            {
                if (!dependents.TryGetValue(d, out var list))
                {
                    dependents[d] = list = [];
                }

                list.Add(p);
            }
        }

        _dependencies = dependencies;
        _dependents = dependents;
        _startQueue.RemoveWhere(p => !all.Contains(p));
        foreach (var gone in _takenDown.Keys.Where(p => !all.Contains(p)).ToList())
        {
            _takenDown.Remove(gone);
        }

        _stopQueue.RemoveWhere(p => !all.Contains(p));
    }

    /// <summary>Ready to be depended on: RUNNING, and healthy if it has a health check.</summary>
    public bool IsReady(Subprocess p) => p.State == ProcessState.Running && !_stopQueue.Contains(p) && isHealthy(p);

    public bool MayStart(Subprocess process) => !_dependencies.TryGetValue(process, out var deps) || deps.TrueForAll(IsReady);

    private List<Subprocess> LiveDependents(Subprocess p) =>
        _dependents.TryGetValue(p, out var list) ? list.Where(d => !ProcessStates.IsStopped(d.State)).ToList() : [];

    public bool IsQueuedForStart(Subprocess p) => _startQueue.Contains(p);

    public bool IsQueuedForStop(Subprocess p) => _stopQueue.Contains(p);

    public void CancelQueuedStart(Subprocess p) => _startQueue.Remove(p);

    /// <summary>stopProcess named this process itself (stop all, stop x): it stays stopped when its dependency comes back.</summary>
    public void StoppedOnPurpose(Subprocess p)
    {
        foreach (var set in _takenDown.Values)
        {
            set.Remove(p);
        }
    }

    /// <summary>
    /// startProcess of a process whose stop took dependents down with it: queue those again, so that
    /// <c>supervisorctl restart db</c> (a stop, then a start) brings back what depends on db.
    /// </summary>
    public void BringBackDependents(Subprocess p)
    {
        if (!_takenDown.Remove(p, out var dependents))
        {
            return;
        }

        foreach (var d in dependents.Where(d => ProcessStates.IsStopped(d.State) && _live.Contains(d.GroupName)))
        {
            log.Write("info", $"starting {d.Namespec} again after {p.Namespec} (stopped with it)");
            _startQueue.Add(d);
            BringBackDependents(d);
        }

        wake();
    }

    /// <summary>Why a queued start was given up (a dependency went FATAL or was stopped), once.</summary>
    public string? TakeStartCancellation(Subprocess p) => _startCancelled.Remove(p, out var why) ? why : null;

    /// <summary>Start once the dependencies are ready, starting those that are stopped too.</summary>
    public void QueueStart(Subprocess p)
    {
        _startCancelled.Remove(p);
        _startQueue.Add(p);
        foreach (var d in _dependencies.GetValueOrDefault(p) ?? [])
        {
            if (ProcessStates.IsStopped(d.State) && !d.WantsToRun() && !_startQueue.Contains(d))
            {
                QueueStart(d);
            }
        }

        wake();
    }

    /// <summary>Stops the process, after first stopping (and waiting for) every process that depends on it.</summary>
    public string? RequestStop(Subprocess p)
    {
        _startQueue.Remove(p);
        var live = LiveDependents(p);
        if (live.Count == 0)
        {
            _stopQueue.Remove(p);
            return p.Stop();
        }

        if (_stopQueue.Add(p))
        {
            log.Write("info", $"stopping {p.Namespec} after its dependents: {string.Join(", ", live.Select(d => d.Namespec))}");
        }

        foreach (var d in live)
        {
            if (d.State is ProcessState.Running or ProcessState.Starting or ProcessState.Backoff && !_stopQueue.Contains(d))
            {
                if (daemonRunning())
                {
                    if (!_takenDown.TryGetValue(p, out var set))
                    {
                        _takenDown[p] = set = [];
                    }

                    set.Add(d);
                }

                _ = RequestStop(d);
            }
        }

        wake();
        return null;
    }

    /// <summary>Shutdown of one group: as <see cref="ProcessGroup.StopAll"/>, dependents first.</summary>
    internal void StopGroupForShutdown(ProcessGroup group)
    {
        if (!UsesDependencies)
        {
            group.StopAll();
            return;
        }

        foreach (var p in group.Processes.Reverse())
        {
            if (p.State is ProcessState.Running or ProcessState.Starting && !_stopQueue.Contains(p))
            {
                _ = RequestStop(p);
            }
            else if (p.State == ProcessState.Backoff)
            {
                p.GiveUp();
            }
        }
    }

    /// <summary>Main loop: stops whose dependents have stopped, starts whose dependencies are ready (or can no longer be).</summary>
    internal void Step(bool accepting)
    {
        foreach (var p in _stopQueue.ToList())
        {
            if (!ProcessStates.IsRunning(p.State))
            {
                _stopQueue.Remove(p);
            }
            else if (LiveDependents(p).Count == 0)
            {
                _stopQueue.Remove(p);
                _ = p.Stop();
            }
        }

        if (!accepting)
        {
            return;
        }

        foreach (var p in _startQueue.ToList())
        {
            if (!ProcessStates.IsStopped(p.State))
            {
                _startQueue.Remove(p);
                continue;
            }

            var deps = _dependencies.GetValueOrDefault(p) ?? [];
            var blocker = deps.FirstOrDefault(d => d.State is ProcessState.Fatal or ProcessState.Unknown
                || (ProcessStates.IsStopped(d.State) && !_startQueue.Contains(d) && !d.WantsToRun()));
            if (blocker is not null)
            {
                _startQueue.Remove(p);
                _startCancelled[p] = $"dependency {blocker.Namespec} is {ProcessStates.Name(blocker.State)}";
                log.Write("warn", $"not starting {p.Namespec}: {_startCancelled[p]}");
            }
            else if (MayStart(p))
            {
                _startQueue.Remove(p);
                p.Spawn();
            }
        }
    }

    /// <summary>Whether starts or stops wait on other processes (the loop then looks again soon).</summary>
    internal bool HasQueued => _startQueue.Count > 0 || _stopQueue.Count > 0;

    /// <summary>"waiting for db, cache" for a stopped process held back by its dependencies (else null).</summary>
    public string? WaitingDescription(Subprocess p)
    {
        if (!_dependencies.TryGetValue(p, out var deps) || p.Pid != 0 || !ProcessStates.IsStopped(p.State)
            || !(_startQueue.Contains(p) || p.WantsToRun()) || MayStart(p))
        {
            return null;
        }

        return "waiting for " + string.Join(", ", deps.Where(d => !IsReady(d)).Select(d => d.Namespec));
    }
}
