using System.Globalization;
using System.Text;
using Slipway.Supervisor.Config;
using Slipway.Supervisor.Daemon;
using Slipway.Supervisor.Processes;
using Slipway.Supervisor.XmlRpc;

namespace Slipway.Supervisor.Rpc;

/// <summary>
/// The <c>supervisor.*</c> and <c>system.*</c> XML-RPC methods with supervisord's semantics, faults and
/// deferred replies (rpcinterface.py). Each body runs under the daemon's gate; a deferred one returns a Task.
/// </summary>
public sealed partial class SupervisorRpc
{
    public const string ApiVersion = "3.0";
    public const string SupervisorVersion = "4.2.5";
    private readonly Func<SupervisorDaemon> _daemon;
    private readonly Dictionary<string, RpcMethod> _methods = new(StringComparer.Ordinal);

    public SupervisorRpc(Func<SupervisorDaemon> daemon, bool withSupervisorNamespace = true)
    {
        _daemon = daemon;
        if (withSupervisorNamespace)
        {
            RegisterSupervisor();
        }

        RegisterSystem();
    }

    private SupervisorDaemon D => _daemon();

    public IEnumerable<string> MethodNames => _methods.Keys.Order(StringComparer.Ordinal);

    private void Add(string name, int min, int max, string[] signature, string help, Func<Args, object?> body) =>
        _methods[name] = new RpcMethod(name, min, max, signature, help, body);

    /// <summary>Runs a call: the value to send, or a <see cref="FaultException"/>.</summary>
    public async Task<object?> CallAsync(string method, IReadOnlyList<object?> parameters)
    {
        var parts = method.Split('.');
        if (parts.Length != 2 || parts[1].StartsWith('_') || !_methods.TryGetValue(method, out var m))
        {
            throw Faults.Error(Faults.UnknownMethod);
        }

        if (parameters.Count < m.MinArgs || parameters.Count > m.MaxArgs)
        {
            throw Faults.Error(Faults.IncorrectParameters);
        }

        var daemon = D;
        object? result;
        lock (daemon.Gate)
        {
            result = m.Body(new Args(parameters));
        }

        daemon.Wake();
        return result is Task<object?> deferred ? await deferred : result;
    }

    /// <summary>supervisord's _update: every supervisor.* call fails once shutdown or restart has begun.</summary>
    private void Update()
    {
        if (D.Mood < SupervisorMood.Running)
        {
            throw Faults.Error(Faults.ShutdownState);
        }
    }

    private (ProcessGroup Group, Subprocess? Process) GroupAndProcess(string name)
    {
        var (groupName, processName) = SplitNamespec(name);
        var group = D.FindGroup(groupName) ?? throw Faults.Error(Faults.BadName, name);
        if (processName is null)
        {
            return (group, null);
        }

        var process = group.Find(processName) ?? throw Faults.Error(Faults.BadName, name);
        return (group, process);
    }

    /// <summary><c>group:name</c>, <c>group:</c>/<c>group:*</c> (the whole group) or <c>name</c> (= name:name).</summary>
    public static (string Group, string? Process) SplitNamespec(string namespec)
    {
        var colon = namespec.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return (namespec, namespec);
        }

        var process = namespec[(colon + 1)..];
        return (namespec[..colon], process.Length == 0 || process == "*" ? null : process);
    }

    private ProcessInfoValue ProcessInfo(ProcessGroup group, Subprocess p)
    {
        var start = (long)p.LastStart;
        var stop = (long)p.LastStop;
        var now = (long)D.Now;
        var spawnErr = p.SpawnError ?? "";
        var description = ExtendedDescription(p) ?? Description.For(p.State, p.Pid, start, stop, now, spawnErr, p.Config.Name, TimeZoneInfo.Local)
            + (p.State == ProcessState.Running && D.HealthOf(p) is { } health ? ", " + health.Describe() : "");
        return new ProcessInfoValue(p.Config.Name, group.Name, start, stop, now, p.State, spawnErr, p.ExitStatus ?? 0,
            p.StdoutLogFile ?? "", p.StderrLogFile ?? "", p.Pid, description);
    }

    /// <summary>depends_on: "waiting for db" for a process held back by its dependencies.</summary>
    private string? ExtendedDescription(Subprocess p) => D.UsesDependencies ? D.WaitingDescription(p) : null;

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
    private object AllFunc(IEnumerable<(ProcessGroup Group, Subprocess Process)> processes, Func<Subprocess, bool> predicate,
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

        return D.DeferAsync(() =>
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

    private static string ReadFile(string path, int offset, int length)
    {
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            byte[] data;
            if (offset < 0)
            {
                if (length != 0)
                {
                    throw Faults.Error(Faults.BadArguments);
                }

                var size = f.Length;
                var pos = Math.Max(0, size + offset);
                f.Seek(pos, SeekOrigin.Begin);
                data = ReadUpTo(f, (int)Math.Min(-(long)offset, size - pos));
            }
            else
            {
                if (length < 0)
                {
                    throw Faults.Error(Faults.BadArguments);
                }

                f.Seek(offset, SeekOrigin.Begin);
                data = ReadUpTo(f, length == 0 ? (int)Math.Max(0, f.Length - offset) : length);
            }

            return Encoding.UTF8.GetString(data);
        }
        catch (IOException)
        {
            throw Faults.Error(Faults.Failed);
        }
    }

    private static byte[] ReadUpTo(FileStream f, int count)
    {
        var buffer = new byte[Math.Max(0, count)];
        var total = 0;
        while (total < buffer.Length)
        {
            var n = f.Read(buffer, total, buffer.Length - total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total == buffer.Length ? buffer : buffer[..total];
    }

    private static List<object?> TailFile(string path, int offset, int length)
    {
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var overflow = false;
            var size = f.Length;
            long off = offset;
            long len = length;
            if (size > off + len)
            {
                overflow = true;
                off = size - 1;
            }

            if (off + len > size)
            {
                if (off > size - 1)
                {
                    len = 0;
                }

                off = size - len;
            }

            off = Math.Max(0, off);
            len = Math.Max(0, len);
            var data = Array.Empty<byte>();
            if (len > 0)
            {
                f.Seek(off, SeekOrigin.Begin);
                data = ReadUpTo(f, (int)len);
            }

            return [Encoding.UTF8.GetString(data), size, overflow];
        }
        catch (IOException)
        {
            return ["", offset, false];
        }
    }

    private static int SignalNumber(string signal)
    {
        try
        {
            return DataTypes.Signal(signal);
        }
        catch (FormatException)
        {
            throw Faults.Error(Faults.BadSignal, signal);
        }
    }

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);
}
