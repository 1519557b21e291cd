using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Daemon;

/// <summary>The live process groups by name, and the running children by pid. Under the gate.</summary>
public sealed class ProcessTable
{
    private readonly Dictionary<string, ProcessGroup> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<int, Subprocess> _byPid = [];

    /// <summary>Active groups in start order (priority, then name).</summary>
    public IReadOnlyList<ProcessGroup> Ordered =>
        _groups.Values.OrderBy(g => g.Config.Priority).ThenBy(g => g.Name, StringComparer.Ordinal).ToList();

    public IReadOnlyCollection<ProcessGroup> All => _groups.Values;

    public IEnumerable<string> Names => _groups.Keys;

    public ProcessGroup? Find(string name) => _groups.GetValueOrDefault(name);

    public bool Contains(string name) => _groups.ContainsKey(name);

    internal void Set(ProcessGroup group) => _groups[group.Name] = group;

    internal void Remove(string name) => _groups.Remove(name);

    /// <summary>Whether some process of some group is not stopped yet.</summary>
    public bool HasUnstopped => _groups.Values.Any(g => g.HasUnstopped);

    internal void Bind(int pid, Subprocess process) => _byPid[pid] = process;

    internal bool Unbind(int pid, out Subprocess? process) => _byPid.Remove(pid, out process);

    internal bool IsBound(int pid) => _byPid.ContainsKey(pid);

    internal Subprocess? ByPid(int pid) => _byPid.GetValueOrDefault(pid);
}
