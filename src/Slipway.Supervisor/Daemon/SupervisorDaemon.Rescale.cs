using Slipway.Supervisor.Config;
using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Daemon;

/// <summary>
/// <c>update_in_place=true</c>: when a re-read finds a group whose only change is its number of processes
/// (numprocs), the stock <c>supervisorctl update</c> sequence that follows (stopProcessGroup, removeProcessGroup,
/// addProcessGroup) acts on the difference only: the processes that go are stopped and removed, the new ones are
/// added and started, and those that stay keep running. supervisord restarts the whole group.
/// </summary>
public sealed partial class SupervisorDaemon
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

    private void NoteRescales(IEnumerable<string> changed)
    {
        _rescales.Clear();
        if (!Config.Daemon.UpdateInPlace)
        {
            return;
        }

        foreach (var name in changed)
        {
            var fresh = Config.Groups.First(g => g.Name == name);
            if (_groups.TryGetValue(name, out var live) && IsRescaleOnly(live.Config, fresh))
            {
                _rescales[name] = new Rescale(fresh, Now + RescaleWindow.TotalSeconds);
            }
        }
    }

    private Rescale? PendingRescale(string group, RescaleStep step) =>
        _rescales.TryGetValue(group, out var r) && r.Step == step && Now < r.Expires ? r : null;

    /// <summary>stopProcessGroup during an in-place update: the processes to stop (those that go), or null for all.</summary>
    public IReadOnlyList<Subprocess>? RescaleStopTargets(ProcessGroup group)
    {
        if (PendingRescale(group.Name, RescaleStep.Reread) is not { } r)
        {
            return null;
        }

        r.Step = RescaleStep.Stopped;
        var names = r.Fresh.Processes.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        return group.Processes.Where(p => !names.Contains(p.Config.Name)).ToList();
    }

    /// <summary>removeProcessGroup during an in-place update: removes the processes that go. Null when not rescaling.</summary>
    public bool? RescaleRemove(string name)
    {
        if (PendingRescale(name, RescaleStep.Stopped) is not { } r || !_groups.TryGetValue(name, out var group))
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
            CloseLogs(p);
            _channels.Remove(p);
            Log.Write("info", $"removed process {p.Namespec} (numprocs)");
        }

        _groups[name] = new ProcessGroup(group.Config, group.Processes.Except(going).ToList());
        r.Step = RescaleStep.Removed;
        RebuildDependencies();
        ExtrasGroupRemoved(going);
        return true;
    }

    /// <summary>addProcessGroup during an in-place update: adds the new processes (autostart as usual). Null when not rescaling.</summary>
    public bool? RescaleAdd(string name)
    {
        if (PendingRescale(name, RescaleStep.Removed) is not { } r || !_groups.TryGetValue(name, out var group))
        {
            return null;
        }

        _rescales.Remove(name);
        var kept = group.Processes.ToDictionary(p => p.Config.Name, StringComparer.Ordinal);
        var added = r.Fresh.Processes.Where(pc => !kept.ContainsKey(pc.Name)).Select(pc => new Subprocess(pc, name, this, _time)
        {
            StdoutLogFile = pc.Stdout.IsAuto ? AutoLogName(pc.Name, "stdout") : pc.Stdout.File,
            StderrLogFile = pc.Stderr.IsAuto ? AutoLogName(pc.Name, "stderr") : pc.Stderr.File,
        }).ToList();
        CreateAutoLogs();
        _groups[name] = new ProcessGroup(r.Fresh, [.. group.Processes, .. added]);
        RebuildDependencies();
        ExtrasGroupAdded(added);
        foreach (var p in added)
        {
            Log.Write("info", $"added process {p.Namespec} (numprocs)");
        }

        Wake();
        return true;
    }
}
