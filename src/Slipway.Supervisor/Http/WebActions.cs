using Slipway.Supervisor.Rpc;
using Slipway.Supervisor.XmlRpc;

namespace Slipway.Supervisor.Http;

/// <summary>An action the web UI cannot perform (supervisord raises ValueError and answers 500).</summary>
public sealed class WebActionException : Exception
{
    public WebActionException()
    {
    }

    public WebActionException(string message)
        : base(message)
    {
    }

    public WebActionException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// The status page's actions (<c>index.html?processname=NAME&amp;action=...</c>) with supervisord's messages
/// (web.py StatusView.make_callback). Each one goes through the XML-RPC methods themselves, so a start waits
/// (deferred, off the daemon's loop) until the process is RUNNING or has failed, exactly as for supervisorctl.
/// </summary>
public sealed class WebActions(SupervisorRpc rpc, TimeProvider time)
{
    /// <summary>The message to redirect with; <see cref="WebActionException"/> for an action supervisord rejects (500).</summary>
    public async Task<string> RunAsync(string? namespec, string action)
    {
        ArgumentNullException.ThrowIfNull(action);
        switch (action)
        {
            case "refresh":
                return "Page refreshed at " + Now();
            case "stopall":
                await rpc.CallAsync("supervisor.stopAllProcesses", []);
                return "All stopped at " + Now();
            case "restartall":
                await rpc.CallAsync("system.multicall", [new List<object?> { Call("supervisor.stopAllProcesses"), Call("supervisor.startAllProcesses") }]);
                return "All restarted at " + Now();
        }

        if (string.IsNullOrEmpty(namespec))
        {
            throw new WebActionException($"action {action} needs a processname");
        }

        if (!await ExistsAsync(namespec))
        {
            return "No such process named " + namespec;
        }

        switch (action)
        {
            case "start":
                try
                {
                    await rpc.CallAsync("supervisor.startProcess", [namespec]);
                    return $"Process {namespec} started";
                }
                catch (FaultException e)
                {
                    return $"ERROR: Process {namespec}: " + StartError(e);
                }

            case "stop":
                try
                {
                    await rpc.CallAsync("supervisor.stopProcess", [namespec]);
                    return $"Process {namespec} stopped";
                }
                catch (FaultException e)
                {
                    return Unexpected(e);
                }

            case "restart":
                // supervisord: a multicall of stop then start, whatever either answers
                await rpc.CallAsync("system.multicall", [new List<object?> { Call("supervisor.stopProcess", namespec), Call("supervisor.startProcess", namespec) }]);
                return $"Process {namespec} restarted";
            case "clearlog":
                try
                {
                    await rpc.CallAsync("supervisor.clearProcessLogs", [namespec]);
                    return $"Log for {namespec} cleared";
                }
                catch (FaultException e)
                {
                    return Unexpected(e);
                }

            default:
                throw new WebActionException("unknown action " + action);
        }
    }

    /// <summary>A process (not a whole group: <c>grp:</c> and <c>grp:*</c> are no process) that the daemon has.</summary>
    private async Task<bool> ExistsAsync(string namespec)
    {
        try
        {
            await rpc.CallAsync("supervisor.getProcessInfo", [namespec]);
            return true;
        }
        catch (FaultException e) when (e.Code == Faults.BadName)
        {
            return false;
        }
    }

    private static string StartError(FaultException e) => e.Code switch
    {
        Faults.NoFile => "no such file",
        Faults.NotExecutable => "file not executable",
        Faults.AlreadyStarted => "already started",
        Faults.SpawnError => "spawn error",
        Faults.AbnormalTermination => "abnormal termination",
        _ => Unexpected(e),
    };

    private static string Unexpected(FaultException e) => $"unexpected rpc fault [{e.Code}] {e.Message}";

    private static Dictionary<string, object?> Call(string method, params object?[] parameters) => new()
    {
        ["methodName"] = method,
        ["params"] = parameters.ToList(),
    };

    private string Now() => WebForm.CTime(time.GetLocalNow());
}
