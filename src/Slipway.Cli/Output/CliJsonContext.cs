using System.Text.Json.Serialization;
using Slipway.Core.Config;

namespace Slipway.Cli.Output;

/// <summary>The shapes of every --json output. Field names are part of the product: scripts read them.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ExecHostRecord))]
[JsonSerializable(typeof(ConfigCheckReport))]
[JsonSerializable(typeof(JsonFailureRecord))]
[JsonSerializable(typeof(Slipway.Cli.Commands.Logs.LogEventRecord))]
internal sealed partial class CliJsonContext : JsonSerializerContext;

internal sealed record ExecHostRecord(
    string Host,
    string Hostname,
    int? Port,
    string? User,
    string Status,
    int? ExitCode,
    long DurationMs,
    string? Error,
    string Stdout,
    string Stderr);

internal sealed record ConfigCheckReport(string File, bool Valid, IReadOnlyList<DiagnosticRecord> Diagnostics);

internal sealed record DiagnosticRecord(string Severity, string File, int Line, int Column, string Key, string Message)
{
    public static DiagnosticRecord From(ConfigDiagnostic d) =>
        new(d.Severity == DiagnosticSeverity.Error ? "error" : "warning", d.File, d.Location.Line, d.Location.Column, d.KeyPath, d.Message);
}
