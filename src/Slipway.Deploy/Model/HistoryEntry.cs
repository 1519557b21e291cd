using System.Text.Json;
using System.Text.Json.Serialization;

namespace Slipway.Deploy.Model;

/// <summary>One line of the deploy history (<c>slipway-history.jsonl</c> on hosts, <c>.slipway/history.jsonl</c> locally).</summary>
public sealed record HistoryEntry
{
    public required string Action { get; init; }

    public required string Stage { get; init; }

    public required string Result { get; init; }

    public required string User { get; init; }

    public required string Machine { get; init; }

    public required DateTimeOffset Started { get; init; }

    public required long DurationMs { get; init; }

    public string? Release { get; init; }

    public string? Commit { get; init; }

    public string? Branch { get; init; }

    public string? PreviousRelease { get; init; }

    public string? Message { get; init; }

    public IReadOnlyList<string> Hosts { get; init; } = [];

    public string? Error { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, DeployJsonContext.Default.HistoryEntry);

    public static HistoryEntry? FromJson(string line)
    {
        try
        {
            return JsonSerializer.Deserialize(line, DeployJsonContext.Default.HistoryEntry);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HistoryEntry))]
internal sealed partial class DeployJsonContext : JsonSerializerContext;
