using System.Text.Json;
using System.Text.Json.Serialization;
using Slipway.Queue;
using Spectre.Console;

namespace Slipway.Cli.Commands.Queue;

/// <summary>The --json shapes of the queue commands. Field names are part of the product: scripts read them.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PushRecord))]
[JsonSerializable(typeof(QueueListRecord))]
[JsonSerializable(typeof(StatsRecord))]
[JsonSerializable(typeof(PeekRecord))]
[JsonSerializable(typeof(CountRecord))]
internal sealed partial class QueueJsonContext : JsonSerializerContext;

internal sealed record PushRecord(bool Ok, string Queue, long Id, bool Created);

internal sealed record QueueListRecord(bool Ok, IReadOnlyList<QueueStatsRecord> Queues);

/// <summary>One queue's counts; <c>oldest_ready_age_ms</c> is null when no job waits.</summary>
internal sealed record QueueStatsRecord(string Queue, long Ready, long Scheduled, long Running, long Succeeded, long Dead, long? OldestReadyAgeMs)
{
    public static QueueStatsRecord From(QueueStats s) =>
        new(s.Queue, s.Ready, s.Scheduled, s.Running, s.Succeeded, s.Dead, s.OldestReadyAge is { } age ? (long)age.TotalMilliseconds : null);
}

internal sealed record StatsRecord(bool Ok, QueueStatsRecord Stats);

internal sealed record PeekRecord(bool Ok, string Queue, IReadOnlyList<JobRecord> Jobs);

/// <summary>A job as peek shows it. The payload is the text that was pushed (JSON by convention), as a string.</summary>
internal sealed record JobRecord(
    long Id, string Queue, string State, bool Scheduled, string Payload, int Priority, int Attempt, int AttemptsUsed, int MaxAttempts,
    DateTimeOffset CreatedAt, DateTimeOffset VisibleAt, DateTimeOffset? FinishedAt, string? IdempotencyKey, string? LastError, string? Output)
{
    public static JobRecord From(JobInfo j, DateTimeOffset now) =>
        new(j.Id, j.Queue, QueueStore.Name(j.State), j.State == JobState.Ready && j.VisibleAt > now, j.Payload, j.Priority, j.Attempt,
            j.AttemptsUsed, j.MaxAttempts, j.CreatedAt, j.VisibleAt, j.FinishedAt, j.IdempotencyKey, j.LastError, j.Output);
}

/// <summary>retry, delete, purge: how many jobs the call changed.</summary>
internal sealed record CountRecord(bool Ok, string Queue, string Action, int Count);

internal static class QueueJson
{
    /// <summary>Relaxed escaping: payloads are JSON themselves, and \u0022 for every quote helps nobody reading them.</summary>
    public static QueueJsonContext Context { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static void Write<T>(IAnsiConsole console, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        var writer = console.Profile.Out.Writer;
        writer.Write(JsonSerializer.Serialize(value, type));
        writer.Write('\n');
        writer.Flush();
    }
}
