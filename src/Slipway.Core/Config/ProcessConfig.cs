namespace Slipway.Core.Config;

/// <summary>
/// A long-running program the supervisor keeps alive (rendered into a supervisord program section). Command, directory
/// and environment values may use <c>${var}</c> host variables, expanded per host by <see cref="HostVars"/>.
/// </summary>
public sealed record ProcessConfig
{
    public required string Name { get; init; }

    public required string Command { get; init; }

    /// <summary>Working directory; relative paths are relative to the live release.</summary>
    public string? Directory { get; init; }

    public int NumProcs { get; init; } = 1;

    public bool AutoStart { get; init; } = true;

    /// <summary>supervisord's autorestart: <c>true</c>, <c>false</c> or <c>unexpected</c>.</summary>
    public string AutoRestart { get; init; } = "unexpected";

    public int StartSecs { get; init; } = 1;

    /// <summary>supervisord's startretries: attempts before FATAL.</summary>
    public int StartRetries { get; init; } = 3;

    public string StopSignal { get; init; } = "TERM";

    /// <summary>Seconds between the stop signal and SIGKILL.</summary>
    public int StopWaitSecs { get; init; } = 10;

    /// <summary>
    /// supervisord's stopasgroup: the stop signal goes to the program's whole process group (true for every
    /// <c>processes:</c> entry). A queue worker's jobs are in its group, and the worker stops them itself after its
    /// grace time, so <c>workers:</c> programs send it to the worker alone.
    /// </summary>
    public bool StopAsGroup { get; init; } = true;

    public bool RedirectStderr { get; init; }

    /// <summary>supervisord's priority: lower starts first and stops last.</summary>
    public int Priority { get; init; } = 999;

    /// <summary>Restart this program one host at a time (per role) on publish, so the others keep serving.</summary>
    public bool Rolling { get; init; }

    public string? User { get; init; }

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> Roles { get; init; } = [];

    public SourceLocation Location { get; init; }
}
