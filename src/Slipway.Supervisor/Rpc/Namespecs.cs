using Slipway.Supervisor.Daemon;
using Slipway.Supervisor.Processes;
using Slipway.Supervisor.XmlRpc;

namespace Slipway.Supervisor.Rpc;

/// <summary>Names in RPC calls (<c>group:name</c>) and the checks every <c>supervisor.*</c> call makes.</summary>
internal static class Namespecs
{
    /// <summary><c>group:name</c>, <c>group:</c>/<c>group:*</c> (the whole group) or <c>name</c> (= name:name).</summary>
    internal static (string Group, string? Process) Split(string namespec)
    {
        var colon = namespec.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return (namespec, namespec);
        }

        var process = namespec[(colon + 1)..];
        return (namespec[..colon], process.Length == 0 || process == "*" ? null : process);
    }

    /// <summary>supervisord's _update: every supervisor.* call fails once shutdown or restart has begun.</summary>
    internal static void EnsureRunning(SupervisorDaemon daemon)
    {
        if (daemon.Mood < SupervisorMood.Running)
        {
            throw Faults.Error(Faults.ShutdownState);
        }
    }

    /// <summary>The group, and the process unless the name is the whole group; BAD_NAME when either is not there.</summary>
    internal static (ProcessGroup Group, Subprocess? Process) Find(SupervisorDaemon daemon, string name)
    {
        var (groupName, processName) = Split(name);
        var group = daemon.FindGroup(groupName) ?? throw Faults.Error(Faults.BadName, name);
        if (processName is null)
        {
            return (group, null);
        }

        var process = group.Find(processName) ?? throw Faults.Error(Faults.BadName, name);
        return (group, process);
    }
}
