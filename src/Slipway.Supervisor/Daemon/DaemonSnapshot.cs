using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Daemon;

/// <summary>One process at one moment, as <c>/metrics</c> reports it (<paramref name="Pid"/> 0 when not running).</summary>
public sealed record ProcessSnapshot(string Group, string Name, ProcessState State, double UptimeSeconds, int Starts, int Pid,
    bool? Healthy, long HealthCheckFailures, bool HasHealthCheck);

/// <summary>The daemon and its processes at one moment: what the HTTP layer renders as metrics.</summary>
public sealed record DaemonSnapshot(bool Running, int Pid, double UptimeSeconds, long LogForwardDropped, long LogForwardSent, bool Forwarding,
    IReadOnlyList<ProcessSnapshot> Processes)
{
    /// <summary>Bytes of program output the child logs could not write (a full disk).</summary>
    public long LogDroppedBytes { get; init; }
}
