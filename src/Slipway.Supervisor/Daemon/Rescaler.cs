using Slipway.Supervisor.Config;
using Slipway.Supervisor.Logging;
using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Daemon;

/// <summary>
/// <c>update_in_place=true</c>: when a re-read finds a group whose only change is its number of processes
/// (numprocs), the stock <c>supervisorctl update</c> sequence that follows (stopProcessGroup, removeProcessGroup,
/// addProcessGroup) acts on the difference only: the processes that go are stopped and removed, the new ones are
/// added and started, and those that stay keep running. supervisord restarts the whole group. Under the gate.
/// </summary>
/// <remarks><c>newProcess</c>: Makes a process of a group (with its log names).</remarks>
/// <remarks><c>joined</c>: Processes joined the table (after they were added).</remarks>
/// <remarks><c>left</c>: Processes left the table (after they were removed).</remarks>
public sealed class Rescaler(ProcessTable table, MainLog log, Action wake, Func<double> now, Func<ProcessConfig, string, Subprocess> newProcess,
    Action<IReadOnlyList<Subprocess>> joined, Action<IReadOnlyList<Subprocess>> left)
{
    private static readonly TimeSpan RescaleWindow = TimeSpan.FromSeconds(60);
    private readonly Dictionary<string, Rescale> _rescales = new(StringComparer.Ordinal);

    private enum RescaleStep
    {
        Reread,
        Stopped,
        Removed,
    }

    private sealed class Rescale(GroupConfig fresh, double expires)
    {
        public GroupConfig Fresh { get; } = fresh;

        public double Expires { get; } = expires;

        public RescaleStep Step { get; set; } = RescaleStep.Reread;
    }

    /// <summary>True when the fresh config differs from the live group only by processes added or removed.</summary>
    public static bool IsRescaleOnly(GroupConfig live, GroupConfig fresh)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(fresh);
        if (live.Priority != fresh.Priority || live.Listener is not null || fresh.Listener is not null || live.FastCgi?.Url != fresh.FastCgi?.Url)
        {
            return false;
        }

        var before = live.Processes.ToDictionary(p => p.Name, p => p.Signature(), StringComparer.Ordinal);
        var after = fresh.Processes.ToDictionary(p => p.Name, p => p.Signature(), StringComparer.Ordinal);
        var kept = before.Keys.Intersect(after.Keys).ToList();
        return kept.Count > 0 && kept.All(n => before[n] == after[n]) && (before.Count != kept.Count || after.Count != kept.Count);
    }

    /// <summary>After a re-read: the changed groups that can be rescaled in place (forgets any earlier plan).</summary>
    internal void Note(IEnumerable<string> changed, IReadOnlyList<GroupConfig> freshGroups, bool updateInPlace)
    {
        _rescales.Clear();
        if (!updateInPlace)
        {
            return;
        }

        foreach (var name in changed)
        {
            var fresh = freshGroups.First(g => g.Name == name);
            if (table.Find(name) is { } live && IsRescaleOnly(live.Config, fresh))
            {
                _rescales[name] = new Rescale(fresh, now() + RescaleWindow.TotalSeconds);
            }
        }
    }

    private Rescale? Pending(string group, RescaleStep step) =>
        _rescales.TryGetValue(group, out var r) && r.Step == step && now() < r.Expires ? r : null;

    /// <summary>stopProcessGroup during an in-place update: the processes to stop (those that go), or null for all.</summary>
    public IReadOnlyList<Subprocess>? StopTargets(ProcessGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (Pending(group.Name, RescaleStep.Reread) is not { } r)
        {
            return null;
        }

        r.Step = RescaleStep.Stopped;
        var names = r.Fresh.Processes.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        return group.Processes.Where(p => !names.Contains(p.Config.Name)).ToList();
    }

    /// <summary>removeProcessGroup during an in-place update: removes the processes that go. Null when not rescaling.</summary>
    public bool? Remove(string name)
    {
        if (Pending(name, RescaleStep.Stopped) is not { } r || table.Find(name) is not { } group)
        {
            return null;
        }

        var names = r.Fresh.Processes.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var going = group.Processes.Where(p => !names.Contains(p.Config.Name)).ToList();
        if (going.Any(p => !ProcessStates.IsStopped(p.State)))
        {
            return false;
        }

        foreach (var p in going)
        {
            log.Write("info", $"removed process {p.Namespec} (numprocs)");
        }

        table.Set(new ProcessGroup(group.Config, group.Processes.Except(going).ToList()));
        r.Step = RescaleStep.Removed;
        left(going);
        return true;
    }

    /// <summary>addProcessGroup during an in-place update: adds the new processes (autostart as usual). Null when not rescaling.</summary>
    public bool? Add(string name)
    {
        if (Pending(name, RescaleStep.Removed) is not { } r || table.Find(name) is not { } group)
        {
            return null;
        }

        _rescales.Remove(name);
        var kept = group.Processes.ToDictionary(p => p.Config.Name, StringComparer.Ordinal);
        var added = r.Fresh.Processes.Where(pc => !kept.ContainsKey(pc.Name)).Select(pc => newProcess(pc, name)).ToList();
        table.Set(new ProcessGroup(r.Fresh, [.. group.Processes, .. added]));
        joined(added);
        foreach (var p in added)
        {
            log.Write("info", $"added process {p.Namespec} (numprocs)");
        }

        wake();
        return true;
    }
}
