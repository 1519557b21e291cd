using System.Text.Json.Serialization;

namespace Slipway.Cli.Commands.Build;

/// <summary><c>slipway build --json</c>: what happened to each package, in build order.</summary>
internal sealed record BuildReport(bool Ok, string Summary, IReadOnlyList<BuildPackageRecord> Packages);

/// <summary>One package's outcome: status is built, cached, failed or skipped; where says where a cached artifact was found ("local").</summary>
internal sealed record BuildPackageRecord(
    string Name,
    string Key,
    string Status,
    string? Where,
    string Reason,
    long DurationMs,
    string? Log,
    string? Error,
    string? LogTail);

/// <summary><c>slipway build --explain/--dry-run --json</c>: the decisions, nothing built.</summary>
internal sealed record BuildPlanReport(bool Ok, string Summary, IReadOnlyList<BuildPlanRecord> Packages);

/// <summary>One package's decision: cached (where: "local") or build, and the reason.</summary>
internal sealed record BuildPlanRecord(string Name, string Key, string Decision, string? Where, string Reason, IReadOnlyList<string> Depends);

/// <summary><c>slipway artifacts diff --json</c>.</summary>
internal sealed record BuildDiffReport(BuildArtifactRecord A, BuildArtifactRecord B, IReadOnlyList<BuildInputChangeRecord> Changes);

internal sealed record BuildArtifactRecord(string Package, string Key, DateTimeOffset BuiltAt);

/// <summary>A differing key input: its name ("patch 0001-fix.patch"), the plain-words difference, and both values.</summary>
internal sealed record BuildInputChangeRecord(string Input, string Reason, string? Old, string? New);

/// <summary><c>slipway artifacts gc --json</c>.</summary>
internal sealed record BuildGcReport(bool DryRun, int Keep, IReadOnlyList<BuildArtifactRecord> Removed);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(BuildReport))]
[JsonSerializable(typeof(BuildPlanReport))]
[JsonSerializable(typeof(BuildDiffReport))]
[JsonSerializable(typeof(BuildGcReport))]
internal sealed partial class BuildJsonContext : JsonSerializerContext;
