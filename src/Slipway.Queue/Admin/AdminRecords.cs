using System.Text.Json.Serialization;
using Slipway.Core;

namespace Slipway.Queue.Admin;

// The documents `slipway queue ls|stats|peek|retry|delete|purge --json` print and the HTTP API's admin routes answer:
// one shape for both, so a script can move from one to the other. Field names are snake_case and part of the product.

/// <summary>
/// One queue's counts; <c>oldest_ready_age_ms</c> is null when no job waits. The limits from slipway.yml and the jobs
/// finished per minute are left out when not known (finished per minute needs two looks: only a server has them).
/// </summary>
public sealed record QueueStatsRecord(string Queue, long Ready, long Scheduled, long Running, long Succeeded, long Dead, long? OldestReadyAgeMs)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ConcurrencyLimit { get; init; }

    /// <summary>The rate limit as written in slipway.yml (<c>10/s</c>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RateLimit { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? FinishedPerMinute { get; init; }

    public static QueueStatsRecord From(QueueStats s) => s is null ? throw new ArgumentNullException(nameof(s)) :
        new(s.Queue, s.Ready, s.Scheduled, s.Running, s.Succeeded, s.Dead, s.OldestReadyAge is { } age ? (long)age.TotalMilliseconds : null);

    /// <summary>With the queue's limits from <paramref name="limits"/> and <paramref name="rates"/>, when it has any.</summary>
    public QueueStatsRecord WithLimits(IReadOnlyDictionary<string, int> limits, IReadOnlyDictionary<string, Rate> rates)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(rates);
        return this with
        {
            ConcurrencyLimit = limits.TryGetValue(Queue, out var limit) ? limit : null,
            RateLimit = rates.TryGetValue(Queue, out var rate) ? rate.ToString() : null,
        };
    }
}

public sealed record QueueListRecord(bool Ok, IReadOnlyList<QueueStatsRecord> Queues);

public sealed record StatsRecord(bool Ok, QueueStatsRecord Stats);

public sealed record PeekRecord(bool Ok, string Queue, IReadOnlyList<JobRecord> Jobs);

/// <summary>
/// A job as peek shows it. The payload is the text that was pushed (JSON by convention), as a string; <c>scheduled</c>
/// is true for a ready job not visible yet, <c>retrying</c> for a ready job with attempts used (it failed or was lost).
/// </summary>
public sealed record JobRecord(
    long Id, string Queue, string State, bool Scheduled, string Payload, int Priority, int Attempt, int AttemptsUsed, int MaxAttempts,
    DateTimeOffset CreatedAt, DateTimeOffset VisibleAt, DateTimeOffset? FinishedAt, string? IdempotencyKey, string? LastError, string? Output)
{
    public bool Retrying => State == "ready" && AttemptsUsed > 0;

    public static JobRecord From(JobInfo j, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(j);
        return new(j.Id, j.Queue, JobStates.Name(j.State), j.State == JobState.Ready && j.VisibleAt > now, j.Payload, j.Priority, j.Attempt,
            j.AttemptsUsed, j.MaxAttempts, j.CreatedAt, j.VisibleAt, j.FinishedAt, j.IdempotencyKey, j.LastError, j.Output);
    }
}

/// <summary>retry, delete, purge: how many jobs the call changed.</summary>
public sealed record CountRecord(bool Ok, string Queue, string Action, int Count);

/// <summary>The source-generated serializer of these records (the CLI is also published native: no reflection).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(QueueListRecord))]
[JsonSerializable(typeof(StatsRecord))]
[JsonSerializable(typeof(PeekRecord))]
[JsonSerializable(typeof(CountRecord))]
public sealed partial class AdminJsonContext : JsonSerializerContext;

public static class AdminJson
{
    /// <summary>Relaxed escaping: payloads are JSON themselves, and \u0022 for every quote helps nobody reading them.</summary>
    public static AdminJsonContext Context { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
