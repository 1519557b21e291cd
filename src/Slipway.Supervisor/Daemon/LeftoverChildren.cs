using System.Globalization;
using Slipway.Supervisor.Logging;
using Slipway.Supervisor.Native;

namespace Slipway.Supervisor.Daemon;

/// <summary>
/// Children that a previous daemon on the same config left running when it died without stopping them (kill -9, the
/// OOM killer, a crash). supervisord does not look for them: they keep running, re-parented to init, and the new
/// daemon starts a second copy of every program (two workers on one queue, or a copy that fails to bind its port and
/// ends FATAL). This daemon finds them at start-up, before it starts anything, by the SUPERVISOR_ENABLED and
/// SUPERVISOR_SERVER_URL every child is spawned with, and stops them: SIGTERM to each and to its process group, SIGKILL
/// to what is left after the grace period. The sockets are bound first, so a daemon still alive on this config has
/// already made start-up fail and its children are never touched.
/// </summary>
internal static class LeftoverChildren
{
    internal sealed record Leftover(int Pid, int Parent, string Name);

    /// <summary>The pure part: is a process with this environment a child of a daemon serving <paramref name="serverUrl"/>?</summary>
    public static bool IsChildOf(IReadOnlyDictionary<string, string> environment, string serverUrl) =>
        environment.TryGetValue("SUPERVISOR_ENABLED", out var enabled) && enabled == "1" &&
        environment.TryGetValue("SUPERVISOR_SERVER_URL", out var url) && url == serverUrl;

    /// <summary>
    /// The pure part: of the <paramref name="found"/> processes, the ones to name in the main log: those whose parent is
    /// not itself one of them (a program's main process, not the processes it started).
    /// </summary>
    public static List<Leftover> Tops(IReadOnlyList<Leftover> found)
    {
        var pids = found.Select(l => l.Pid).ToHashSet();
        return found.Where(l => !pids.Contains(l.Parent)).ToList();
    }

    public static List<Leftover> Find(string serverUrl, int self)
    {
        var found = new List<Leftover>();
        foreach (var (pid, parent) in ProcessTree.Parents())
        {
            if (pid == self || parent == self || ProcessTree.EnvironmentOf(pid) is not { } env || !IsChildOf(env, serverUrl))
            {
                continue;
            }

            found.Add(new Leftover(pid, parent, env.GetValueOrDefault("SUPERVISOR_PROCESS_NAME") ?? "?"));
        }

        return found;
    }

    /// <summary>Finds and stops the leftovers of a daemon serving <paramref name="serverUrl"/>; returns how many were found.</summary>
    public static async Task<int> StopAsync(string serverUrl, MainLog log, TimeSpan grace, CancellationToken ct)
    {
        var found = Find(serverUrl, Environment.ProcessId);
        if (found.Count == 0)
        {
            return 0;
        }

        foreach (var top in Tops(found))
        {
            log.Write("warn", $"found '{top.Name}' (pid {top.Pid.ToString(CultureInfo.InvariantCulture)}) still running from a daemon that " +
                "did not exit cleanly; stopping it before starting anything");
        }

        Signal(found, Signals.Term);
        var deadline = TimeProvider.System.GetUtcNow() + grace;
        while (found.Any(l => ProcessTree.IsAlive(l.Pid)) && TimeProvider.System.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), ct); // processes not ours to wait for: /proc is all there is
        }

        var stubborn = found.Where(l => ProcessTree.IsAlive(l.Pid)).ToList();
        foreach (var l in stubborn)
        {
            log.Write("warn", $"killing leftover '{l.Name}' ({l.Pid.ToString(CultureInfo.InvariantCulture)}) with SIGKILL");
        }

        Signal(stubborn, Signals.Kill);
        return found.Count;
    }

    private static void Signal(IEnumerable<Leftover> leftovers, int signal)
    {
        foreach (var l in leftovers)
        {
            if (ProcessTree.GroupOf(l.Pid) == l.Pid)
            {
                Posix.kill(-l.Pid, signal); // the program's own process group, as a stop with stopasgroup sends it
            }

            Posix.kill(l.Pid, signal);
        }
    }

    private static class Signals
    {
        public const int Term = 15;
        public const int Kill = 9;
    }
}
