using Slipway.Supervisor.Daemon;
using Slipway.Supervisor.Processes;
using Slipway.Supervisor.XmlRpc;

namespace Slipway.Supervisor.Rpc;

/// <summary>The group and "all" variants of the process methods (startProcessGroup, stopAllProcesses, ...).</summary>
internal static class BatchCall
{
    private static Dictionary<string, object?> Result(ProcessGroup g, Subprocess p, int status, string description) => new()
    {
        ["name"] = p.Config.Name,
        ["group"] = g.Name,
        ["status"] = status,
        ["description"] = description,
    };

    /// <summary>
    /// supervisord's make_allfunc: call <paramref name="func"/> for every process the predicate accepts, then
    /// (deferred) collect each one's outcome as {name, group, status, description}, in completion order.
    /// </summary>
    internal static object Run(SupervisorDaemon daemon, IEnumerable<(ProcessGroup Group, Subprocess Process)> processes, Func<Subprocess, bool> predicate,
        Func<string, object?> func)
    {
        var results = new List<object?>();
        var pending = new List<(ProcessGroup G, Subprocess P, Task<object?> T)>();
        // The predicate is applied to all first: with depends_on, stopping one process also stops those that depend
        // on it, and those must still be reported (as supervisord reports each process it was asked to act on).
        foreach (var (g, p) in processes.Where(x => predicate(x.Process)).ToList())
        {

            try
            {
                var r = func(g.Name + ":" + p.Config.Name);
                if (r is Task<object?> t)
                {
                    pending.Add((g, p, t));
                }
                else
                {
                    results.Add(Result(g, p, Faults.Success, "OK"));
                }
            }
            catch (FaultException e)
            {
                results.Add(Result(g, p, e.Code, e.Message));
            }
        }

        if (pending.Count == 0)
        {
            return results;
        }

        return daemon.DeferAsync(() =>
        {
            for (var i = 0; i < pending.Count; i++)
            {
                var (g, p, t) = pending[i];
                if (!t.IsCompleted)
                {
                    continue;
                }

                results.Add(t.Exception?.InnerException is FaultException f ? Result(g, p, f.Code, f.Message) : Result(g, p, Faults.Success, "OK"));
                pending.RemoveAt(i);
                i--;
            }

            return pending.Count == 0 ? results : SupervisorDaemon.Pending;
        });
    }
}
