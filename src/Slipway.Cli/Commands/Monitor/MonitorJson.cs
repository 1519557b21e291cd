using System.Text.Json.Serialization;

namespace Slipway.Cli.Commands.Monitor;

/// <summary>One configured check on one host, as <c>monitor ls --json</c> lists it; durations as in slipway.yml ("5m").</summary>
public sealed record MonitorCheckRecord(
    string Id, string Check, string Stage, string Host, string Kind, string Target,
    string CheckInterval, string RetryInterval, int MaxCheckAttempts, int RecoverAfter, string Timeout,
    DateTimeOffset? AcknowledgedAt, string? AckComment, DateTimeOffset? DowntimeUntil);

public sealed record MonitorListReport(IReadOnlyList<MonitorCheckRecord> Checks);

/// <summary>A perfdata pair; value null for U (not measured).</summary>
public sealed record PerfDatumRecord(string Label, double? Value, string Unit, string? Warn, string? Crit, double? Min, double? Max);

/// <summary>One run: <c>state</c> is OK, WARNING, CRITICAL or UNKNOWN; <c>exit_code</c> its Nagios code (0..3).</summary>
public sealed record MonitorResultRecord(
    string Id, string Check, string Stage, string Host, string State, int ExitCode, int? PluginExitCode,
    string Output, string LongOutput, IReadOnlyList<PerfDatumRecord> Perfdata, string? UnparsedPerfdata, long DurationMs);

public sealed record MonitorSummaryRecord(int Checks, int Ok, int Warning, int Critical, int Unknown);

public sealed record MonitorRunReport(bool Ok, IReadOnlyList<MonitorResultRecord> Results, MonitorSummaryRecord Summary);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(MonitorListReport))]
[JsonSerializable(typeof(MonitorRunReport))]
[JsonSerializable(typeof(MonitorMarkReport))]
internal sealed partial class MonitorJsonContext : JsonSerializerContext;
