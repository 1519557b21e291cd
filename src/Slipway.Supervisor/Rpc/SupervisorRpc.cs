using System.Globalization;
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
    private readonly ProcessControl _control;

    public SupervisorRpc(Func<SupervisorDaemon> daemon, bool withSupervisorNamespace = true)
    {
        _daemon = daemon;
        _control = new ProcessControl(daemon);
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

    /// <summary><c>group:name</c>, <c>group:</c>/<c>group:*</c> (the whole group) or <c>name</c> (= name:name).</summary>
    public static (string Group, string? Process) SplitNamespec(string namespec) => Namespecs.Split(namespec);

    private void Update() => Namespecs.EnsureRunning(D);

    private (ProcessGroup Group, Subprocess? Process) GroupAndProcess(string name) => Namespecs.Find(D, name);

    private object AllFunc(IEnumerable<(ProcessGroup Group, Subprocess Process)> processes, Func<Subprocess, bool> predicate,
        Func<string, object?> func) => BatchCall.Run(D, processes, predicate, func);

    private ProcessInfoValue ProcessInfo(ProcessGroup group, Subprocess p)
    {
        var start = (long)p.LastStart;
        var stop = (long)p.LastStop;
        var now = (long)D.Now;
        var spawnErr = p.SpawnError ?? "";
        var description = ExtendedDescription(p) ?? Description.For(p.State, p.Pid, start, stop, now, spawnErr, p.Config.Name, TimeZoneInfo.Local)
            + (p.State == ProcessState.Running && D.Health.Of(p) is { } health ? ", " + health.Describe() : "");
        return new ProcessInfoValue(p.Config.Name, group.Name, start, stop, now, p.State, spawnErr, p.ExitStatus ?? 0,
            p.StdoutLogFile ?? "", p.StderrLogFile ?? "", p.Pid, description);
    }

    /// <summary>depends_on: "waiting for db" for a process held back by its dependencies.</summary>
    private string? ExtendedDescription(Subprocess p) => D.Dependencies.UsesDependencies ? D.Dependencies.WaitingDescription(p) : null;

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);
}
