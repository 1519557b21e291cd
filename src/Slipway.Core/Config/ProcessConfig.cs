namespace Slipway.Core.Config;

/// <summary>A long-running program the supervisor keeps alive (rendered into a supervisord program section).</summary>
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

    public string StopSignal { get; init; } = "TERM";

    public string? User { get; init; }

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> Roles { get; init; } = [];

    public SourceLocation Location { get; init; }
}
