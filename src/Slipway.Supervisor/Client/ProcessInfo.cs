using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Client;

/// <summary>One process as <c>getProcessInfo</c>/<c>getAllProcessInfo</c> describe it (times are epoch seconds).</summary>
public sealed record ProcessInfo(
    string Name,
    string Group,
    ProcessState State,
    string StateName,
    int Pid,
    long Start,
    long Stop,
    long Now,
    int ExitStatus,
    string SpawnErr,
    string Description,
    string StdoutLogfile,
    string StderrLogfile)
{
    /// <summary>supervisorctl's name for it: <c>group:name</c>, or <c>name</c> when the two are the same.</summary>
    public string FullName => Name == Group ? Name : Group + ":" + Name;

    /// <summary>Seconds since it started, when RUNNING; otherwise null.</summary>
    public long? UptimeSeconds => State == ProcessState.Running && Start > 0 ? Math.Max(0, Now - Start) : null;

    internal static ProcessInfo From(object? value)
    {
        var s = value as Dictionary<string, object?> ?? throw new SupervisorUnreachableException("process info is not a struct");
        return new ProcessInfo(
            Str(s, "name"),
            Str(s, "group"),
            (ProcessState)Int(s, "state"),
            Str(s, "statename"),
            Int(s, "pid"),
            Int(s, "start"),
            Int(s, "stop"),
            Int(s, "now"),
            Int(s, "exitstatus"),
            Str(s, "spawnerr"),
            Str(s, "description"),
            Str(s, "stdout_logfile"),
            Str(s, "stderr_logfile"));
    }

    private static string Str(Dictionary<string, object?> s, string key) => s.GetValueOrDefault(key)?.ToString() ?? "";

    private static int Int(Dictionary<string, object?> s, string key) => s.GetValueOrDefault(key) switch
    {
        int i => i,
        bool b => b ? 1 : 0,
        string text when int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var i) => i,
        _ => 0,
    };
}

/// <summary>What <c>reloadConfig</c> found: group names added, changed and removed since the config was last read.</summary>
public sealed record ReloadResult(IReadOnlyList<string> Added, IReadOnlyList<string> Changed, IReadOnlyList<string> Removed)
{
    public bool IsEmpty => Added.Count == 0 && Changed.Count == 0 && Removed.Count == 0;
}

/// <summary>One entry of a group call's result array: status is a fault code, 80 (SUCCESS) when it worked.</summary>
public sealed record ProcessCallResult(string Name, string Group, int Status, string Description);

/// <summary><c>tailProcess*Log</c>: the bytes, the offset to ask from next time, and whether bytes were skipped.</summary>
public sealed record LogTail(string Bytes, int Offset, bool Overflow);

/// <summary><c>getState</c>: RUNNING (1), RESTARTING (0), SHUTDOWN (-1) or FATAL (2).</summary>
public sealed record SupervisorState(int Code, string Name);
