using Slipway.Supervisor.Config;
using Slipway.Supervisor.Events;
using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Daemon;

/// <summary>A running process group: its config and its processes in priority order.</summary>
public sealed class ProcessGroup(GroupConfig config, IReadOnlyList<Subprocess> processes)
{
    public GroupConfig Config { get; } = config;

    public string Name => Config.Name;

    /// <summary>The event buffer of an <c>[eventlistener:x]</c> pool (null for programs).</summary>
    public EventListenerPool? Pool { get; init; }

    /// <summary>Ascending priority, then config order (supervisord sorts its processes by priority).</summary>
    public IReadOnlyList<Subprocess> Processes { get; } = processes.OrderBy(p => p.Config.Priority).ToList();

    public Subprocess? Find(string name) => Processes.FirstOrDefault(p => p.Config.Name == name);

    public bool HasUnstopped => Processes.Any(p => !ProcessStates.IsStopped(p.State));

    /// <summary>Shutdown: stop in descending priority; a process in BACKOFF gives up (→ FATAL).</summary>
    public void StopAll()
    {
        foreach (var p in Processes.Reverse())
        {
            if (p.State is ProcessState.Running or ProcessState.Starting)
            {
                p.Stop();
            }
            else if (p.State == ProcessState.Backoff)
            {
                p.GiveUp();
            }
        }
    }
}
