using System.Text.Json.Serialization;
using Slipway.Supervisor.Client;

namespace Slipway.Cli.Commands.Agent;

/// <summary>The --json shapes of <c>slipway agent …</c> (read by <c>slipway ps</c> and by scripts).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = false)]
[JsonSerializable(typeof(AgentStatusRecord))]
[JsonSerializable(typeof(AgentUpdateRecord))]
[JsonSerializable(typeof(AgentHealthRecord))]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed partial class AgentJsonContext : JsonSerializerContext;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed record AgentProcessRecord(
    string Group,
    string Name,
    string FullName,
    string State,
    int Pid,
    long Start,
    long Now,
    long? UptimeSeconds,
    int ExitStatus,
    string Spawnerr,
    string Description)
{
    public static AgentProcessRecord From(ProcessInfo p) =>
        new(p.Group, p.Name, p.FullName, p.StateName, p.Pid, p.Start, p.Now, p.UptimeSeconds, p.ExitStatus, p.SpawnErr, p.Description);
}

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed record AgentStatusRecord(string Supervisor, string State, IReadOnlyList<AgentProcessRecord> Processes);

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed record AgentFailureRecord(string Name, string State, string Reason, string Spawnerr, string LogTail);

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed record AgentUpdateRecord(
    bool Ok,
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Changed,
    IReadOnlyList<string> Removed,
    IReadOnlyList<string> Actions,
    IReadOnlyList<AgentProcessRecord> Processes,
    IReadOnlyList<AgentFailureRecord> Failures,
    string? Error);

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed record AgentHealthRecord(bool Ok, string Target, int Attempts, long DurationMs, int? Status, string? Error);
