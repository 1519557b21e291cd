using System.Text;
using Slipway.Supervisor.Daemon;
using Slipway.Supervisor.Processes;
using Slipway.Supervisor.XmlRpc;

namespace Slipway.Supervisor.Rpc;

public sealed partial class SupervisorRpc
{
    private void RegisterSupervisor()
    {
        Add("supervisor.getAPIVersion", 0, 0, ["string"], "Return the version of the RPC API used by supervisord", _ => ApiVersion);
        Add("supervisor.getVersion", 0, 0, ["string"], "Return the version of the RPC API used by supervisord", _ => ApiVersion);
        Add("supervisor.getSupervisorVersion", 0, 0, ["string"], "Return the version of the supervisor package in use by supervisord",
            _ => SupervisorVersion);
        Add("supervisor.getIdentification", 0, 0, ["string"], "Return identifying string of supervisord", _ =>
        {
            Update();
            return D.Config.Daemon.Identifier;
        });
        Add("supervisor.getState", 0, 0, ["struct"], "Return current state of supervisord as a struct", _ =>
        {
            var mood = D.Mood;
            return new Dictionary<string, object?> { ["statecode"] = (int)mood, ["statename"] = mood.ToString().ToUpperInvariant() };
        });
        Add("supervisor.getPID", 0, 0, ["int"], "Return the PID of supervisord", _ =>
        {
            Update();
            return Environment.ProcessId;
        });
        Add("supervisor.readLog", 2, 2, ["string", "int", "int"], "Read length bytes from the main log starting at offset", ReadMainLog);
        Add("supervisor.readMainLog", 2, 2, ["string", "int", "int"], "Read length bytes from the main log starting at offset", ReadMainLog);
        Add("supervisor.clearLog", 0, 0, ["boolean"], "Clear the main log.", _ =>
        {
            Update();
            var log = D.Log.File ?? throw Faults.Error(Faults.NoFile);
            if (!File.Exists(log.Path))
            {
                throw Faults.Error(Faults.NoFile);
            }

            log.Clear();
            return true;
        });
        Add("supervisor.shutdown", 0, 0, ["boolean"], "Shut down the supervisor process", _ =>
        {
            Update();
            D.RequestShutdown();
            return true;
        });
        Add("supervisor.restart", 0, 0, ["boolean"], "Restart the supervisor process", _ =>
        {
            Update();
            D.RequestRestart();
            return true;
        });
        Add("supervisor.reloadConfig", 0, 0, ["array"], "Reload the configuration.", _ =>
        {
            Update();
            try
            {
                var (added, changed, removed) = D.Reread();
                return new List<object?> { new List<object?> { added, changed, removed } };
            }
            catch (Config.ConfigException e)
            {
                throw Faults.Error(Faults.CantReread, e.SupervisordText ?? e.Message);
            }
        });
        Add("supervisor.addProcessGroup", 1, 1, ["boolean", "string"], "Update the config for a running process from config file.", a =>
        {
            Update();
            var name = a.String(0);
            var config = D.Config.Groups.FirstOrDefault(g => g.Name == name) ?? throw Faults.Error(Faults.BadName, name);
            if (D.Rescaler.Add(name) is { } rescaled)
            {
                return rescaled;
            }

            try
            {
                return D.AddGroup(config) ? true : throw Faults.Error(Faults.AlreadyAdded, name);
            }
            catch (FastCgiSocketException e)
            {
                // supervisord answers 500 Internal Server Error here (the exception escapes); a fault says why.
                throw Faults.Error(Faults.Failed, e.Message);
            }
        });
        Add("supervisor.removeProcessGroup", 1, 1, ["boolean", "string"], "Remove a stopped process from the active configuration.", a =>
        {
            Update();
            var name = a.String(0);
            if (D.FindGroup(name) is null)
            {
                throw Faults.Error(Faults.BadName, name);
            }

            return (D.Rescaler.Remove(name) ?? D.RemoveGroup(name)) ? true : throw Faults.Error(Faults.StillRunning, name);
        });
        Add("supervisor.getProcessInfo", 1, 1, ["struct", "string"], "Get info about a process named name", a =>
        {
            Update();
            var (g, p) = GroupAndProcess(a.String(0));
            return p is null ? throw Faults.Error(Faults.BadName, a.String(0)) : ProcessInfo(g, p);
        });
        Add("supervisor.getAllProcessInfo", 0, 0, ["array"], "Get info about all processes", _ =>
        {
            Update();
            return D.AllProcesses().OrderBy(x => x.Group.Name, StringComparer.Ordinal).ThenBy(x => x.Process.Config.Name, StringComparer.Ordinal)
                .Select(x => (object?)ProcessInfo(x.Group, x.Process)).ToList();
        });
        Add("supervisor.getAllConfigInfo", 0, 0, ["array"], "Get info about all available process configurations.", _ =>
        {
            Update();
            return ConfigInfo.For(D);
        });
        Add("supervisor.startProcess", 1, 2, ["boolean", "string", "boolean"], "Start a process", a => _control.StartProcess(a.String(0), a.Bool(1, true)));
        Add("supervisor.startProcessGroup", 1, 2, ["array", "string", "boolean"], "Start all processes in the group named 'name'",
            a => _control.StartGroup(a.String(0), a.Bool(1, true)));
        Add("supervisor.startAllProcesses", 0, 1, ["array", "boolean"], "Start all processes listed in the configuration file", a =>
        {
            Update();
            var wait = a.Bool(0, true);
            D.PrespawnForStart(D.AllProcesses().Select(x => x.Process));
            return AllFunc(D.AllProcesses(), p => !ProcessStates.IsRunning(p.State), n => _control.StartProcess(n, wait));
        });
        Add("supervisor.stopProcess", 1, 2, ["boolean", "string", "boolean"], "Stop a process named by name", a => _control.StopProcess(a.String(0), a.Bool(1, true)));
        Add("supervisor.stopProcessGroup", 1, 2, ["array", "string", "boolean"], "Stop all processes in the process group named 'name'",
            a => _control.StopGroup(a.String(0), a.Bool(1, true)));
        Add("supervisor.stopAllProcesses", 0, 1, ["array", "boolean"], "Stop all processes in the process list", a =>
        {
            Update();
            var wait = a.Bool(0, true);
            return AllFunc(D.AllProcesses(), p => ProcessStates.IsRunning(p.State), n => _control.StopProcess(n, wait));
        });
        Add("supervisor.signalProcess", 2, 2, ["boolean", "string", "string"], "Send an arbitrary UNIX signal to the process named by name",
            a => _control.SignalProcess(a.String(0), SignalArg(a)));
        Add("supervisor.signalProcessGroup", 2, 2, ["array", "string", "string"], "Send a signal to all processes in the group named 'name'",
            a => _control.SignalGroup(a.String(0), SignalArg(a)));
        Add("supervisor.signalAllProcesses", 1, 1, ["array", "string"], "Send a signal to all processes in the process list", a =>
        {
            Update();
            var signal = a.Raw(0) is int n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : a.String(0);
            return AllFunc(D.AllProcesses(), p => ProcessStates.IsSignallable(p.State), name => _control.SignalProcess(name, signal));
        });
        foreach (var alias in new[] { "supervisor.readProcessStdoutLog", "supervisor.readProcessLog" })
        {
            Add(alias, 3, 3, ["string", "string", "int", "int"], "Read length bytes from name's stdout log starting at offset",
                a => ReadProcessLog(a, stderr: false));
        }

        Add("supervisor.readProcessStderrLog", 3, 3, ["string", "string", "int", "int"], "Read length bytes from name's stderr log starting at offset",
            a => ReadProcessLog(a, stderr: true));
        foreach (var alias in new[] { "supervisor.tailProcessStdoutLog", "supervisor.tailProcessLog" })
        {
            Add(alias, 3, 3, ["array", "string", "int", "int"], "Provides a more efficient way to tail the (stdout) log than readProcessStdoutLog().",
                a => TailProcessLog(a, stderr: false));
        }

        Add("supervisor.tailProcessStderrLog", 3, 3, ["array", "string", "int", "int"], "Provides a more efficient way to tail the (stderr) log than readProcessStderrLog().",
            a => TailProcessLog(a, stderr: true));
        foreach (var alias in new[] { "supervisor.clearProcessLogs", "supervisor.clearProcessLog" })
        {
            Add(alias, 1, 1, ["boolean", "string"], "Clear the stdout and stderr logs for the named process and reopen them.",
                a => ClearProcessLogs(a.String(0)));
        }

        Add("supervisor.clearAllProcessLogs", 0, 0, ["array"], "Clear all process log files", _ =>
        {
            Update();
            return AllFunc(D.AllProcesses(), _ => true, ClearProcessLogs);
        });
        Add("supervisor.sendProcessStdin", 2, 2, ["boolean", "string", "string"], "Send a string of chars to the stdin of the process name.", a =>
        {
            Update();
            var chars = a.Raw(1) switch
            {
                string s => Encoding.UTF8.GetBytes(s),
                byte[] b => b,
                _ => throw Faults.Error(Faults.IncorrectParameters, Convert.ToString(a.Raw(1), System.Globalization.CultureInfo.InvariantCulture)),
            };
            var name = a.String(0);
            var (_, p) = GroupAndProcess(name);
            if (p is null)
            {
                throw Faults.Error(Faults.BadName, name);
            }

            if (p.Pid == 0 || p.Killing)
            {
                throw Faults.Error(Faults.NotRunning, name);
            }

            return ChildOutput.WriteStdin(p, chars) ? true : throw Faults.Error(Faults.NoFile, name);
        });
        Add("supervisor.sendRemoteCommEvent", 2, 2, ["boolean", "string", "string"], "Send an event that will be received by event listener subprocesses subscribing to the RemoteCommunicationEvent.", a =>
        {
            Update();
            D.Events.Notify(Events.SupervisorEvent.RemoteCommunication(a.String(0), a.String(1)));
            D.Wake();
            return true;
        });
    }

    private static string SignalArg(Args a) =>
        a.Raw(1) is int n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : a.String(1);

    private object? ReadMainLog(Args a)
    {
        Update();
        var path = D.Log.File?.Path;
        if (path is null || !File.Exists(path))
        {
            throw Faults.Error(Faults.NoFile, path);
        }

        return LogFileReads.ReadFile(path, a.Int(0), a.Int(1));
    }

    private object? ReadProcessLog(Args a, bool stderr)
    {
        Update();
        var name = a.String(0);
        var (_, p) = GroupAndProcess(name);
        if (p is null)
        {
            throw Faults.Error(Faults.BadName, name);
        }

        var path = stderr ? p.StderrLogFile : p.StdoutLogFile;
        if (path is null || !File.Exists(path))
        {
            throw Faults.Error(Faults.NoFile, path ?? "None");
        }

        return LogFileReads.ReadFile(path, a.Int(1), a.Int(2));
    }

    private object? TailProcessLog(Args a, bool stderr)
    {
        Update();
        var name = a.String(0);
        var (_, p) = GroupAndProcess(name);
        if (p is null)
        {
            throw Faults.Error(Faults.BadName, name);
        }

        var path = stderr ? p.StderrLogFile : p.StdoutLogFile;
        if (path is null || !File.Exists(path))
        {
            return new List<object?> { "", 0, false };
        }

        return LogFileReads.TailFile(path, a.Int(1), a.Int(2));
    }

    private object? ClearProcessLogs(string name)
    {
        Update();
        var (_, p) = GroupAndProcess(name);
        if (p is null)
        {
            throw Faults.Error(Faults.BadName, name);
        }

        try
        {
            var (stdout, stderr) = D.ChildLogs.Of(p);
            stdout?.Clear();
            stderr?.Clear();
        }
        catch (IOException)
        {
            throw Faults.Error(Faults.Failed, name);
        }

        return true;
    }

    private void RegisterSystem()
    {
        Add("system.listMethods", 0, 0, ["array"], "Return an array listing the available methods",
            _ => MethodNames.Select(n => (object?)n).ToList());
        Add("system.methodHelp", 1, 1, ["string", "string"], "Return a string showing the method's documentation", a =>
            _methods.TryGetValue(a.String(0), out var m) ? m.Help : throw Faults.Error(Faults.SignatureUnsupported));
        Add("system.methodSignature", 1, 1, ["array", "string"], "Return an array describing the method signature in the form [rtype, ptype, ptype...]", a =>
            _methods.TryGetValue(a.String(0), out var m) ? m.Signature.Select(s => (object?)s).ToList() : throw Faults.Error(Faults.SignatureUnsupported));
        Add("system.multicall", 1, 1, ["array", "array"], "Process an array of calls, and return an array of results.", a =>
            a.Raw(0) is List<object?> calls ? MulticallAsync(calls) : throw Faults.Error(Faults.IncorrectParameters));
    }

    /// <summary>Runs the calls in order; each result is the bare value or {faultCode, faultString}.</summary>
    private async Task<object?> MulticallAsync(List<object?> calls)
    {
        await Task.Yield(); // leave the gate: the calls take it themselves
        var results = new List<object?>();
        foreach (var call in calls)
        {
            try
            {
                if (call is not Dictionary<string, object?> c || c.GetValueOrDefault("methodName") is not string name)
                {
                    throw Faults.Error(Faults.IncorrectParameters);
                }

                if (name == "system.multicall")
                {
                    throw Faults.Error(Faults.IncorrectParameters, "Recursive system.multicall forbidden");
                }

                var parameters = c.GetValueOrDefault("params") as List<object?> ?? [];
                results.Add(await CallAsync(name, parameters));
            }
            catch (FaultException f)
            {
                results.Add(new Dictionary<string, object?> { ["faultCode"] = f.Code, ["faultString"] = f.Message });
            }
        }

        return results;
    }
}
