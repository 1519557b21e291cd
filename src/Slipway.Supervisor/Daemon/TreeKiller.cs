using System.Globalization;
using Slipway.Supervisor.Config;
using Slipway.Supervisor.Logging;
using Slipway.Supervisor.Native;
using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Daemon;

/// <summary>
/// <c>killtree=true</c>: the stop signal (and SIGKILL) also reaches every descendant of a program, including those
/// that left its process group or were re-parented to the daemon, and what the main process leaves behind when it
/// exits is stopped too. Descendants are recognised by a marker in their environment. Under the gate.
/// </summary>
public sealed class TreeKiller(MainLog log, Func<double> now)
{
    internal const string TreeVariable = "SLIPWAY_SUPERVISE_TREE";
    private const int PrSetChildSubreaper = 36;
    private readonly List<(int Pid, double KillAt)> _stragglers = [];
    private bool _subreaper;

    /// <summary>
    /// A killtree program joined: orphans of our children (double-forked daemons) are re-parented to us rather than
    /// to init from now on, so killtree can find them and the reaper collects them: no zombies.
    /// </summary>
    internal void BecomeSubreaper()
    {
        if (_subreaper)
        {
            return;
        }

        _subreaper = Posix.prctl(PrSetChildSubreaper, 1, 0, 0, 0) == 0;
        log.Write("info", _subreaper ? "became a child subreaper (killtree)" : "could not become a child subreaper: " + Posix.StrError(Posix.Errno));
    }

    /// <summary>Sends <paramref name="signal"/> to every descendant of the process (the process itself excluded).</summary>
    internal void Signal(Subprocess p, int signal)
    {
        foreach (var pid in ProcessTree.Members(p.Pid, Marker(p), Environment.ProcessId))
        {
            if (pid != p.Pid)
            {
                log.Write("debug", $"killtree: sending {DataTypes.SignalName(signal)} to pid {pid} (descendant of {p.Namespec})");
                _ = Posix.kill(pid, signal);
            }
        }
    }

    /// <summary>The main process has exited; what it left behind gets the stop signal now and SIGKILL after stopwaitsecs.</summary>
    internal void AfterExit(Subprocess p)
    {
        if (!p.Config.Extras.KillTree)
        {
            return;
        }

        foreach (var pid in ProcessTree.Members(0, Marker(p), Environment.ProcessId))
        {
            log.Write("info", $"killtree: pid {pid} left behind by {p.Namespec}, sending {DataTypes.SignalName(p.Config.StopSignal)}");
            _ = Posix.kill(pid, p.Config.StopSignal);
            _stragglers.Add((pid, now() + p.Config.StopWaitSecs));
        }
    }

    /// <summary>Main loop: SIGKILL for stragglers past their time.</summary>
    internal void Step()
    {
        if (_stragglers.Count == 0)
        {
            return;
        }

        var at = now();
        for (var i = _stragglers.Count - 1; i >= 0; i--)
        {
            if (_stragglers[i].KillAt <= at)
            {
                if (Posix.kill(_stragglers[i].Pid, 0) == 0)
                {
                    log.Write("warn", $"killtree: pid {_stragglers[i].Pid} outlived its stop wait, sending SIGKILL");
                    _ = Posix.kill(_stragglers[i].Pid, 9);
                }

                _stragglers.RemoveAt(i);
            }
        }
    }

    internal double? Deadline() => _stragglers.Count > 0 ? _stragglers.Min(s => s.KillAt) : null;

    /// <summary>The environment variable (name, value) that marks a killtree program's descendants.</summary>
    internal static (string Name, string Value) EnvironmentMarker(Subprocess p) => (TreeVariable, Marker(p)[(TreeVariable.Length + 1)..]);

    private static string Marker(Subprocess p) =>
        TreeVariable + "=" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ":" + p.Namespec;
}
