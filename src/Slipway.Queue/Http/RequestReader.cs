using System.Globalization;
using System.Text.Json;
using Slipway.Core;

namespace Slipway.Queue.Http;

/// <summary>
/// Reads the API's JSON bodies into the library's types (pure). Durations are a number of seconds or the one duration
/// syntax (<c>"500ms"</c>, <c>"5m"</c>); anything out of shape is an <see cref="ApiException"/> naming the field.
/// </summary>
public static class RequestReader
{
    /// <summary>One job (<c>{"payload": …, "delay", "run_at", "key", "priority", "max_attempts"}</c>) of <paramref name="queue"/>.</summary>
    public static NewJob Job(string queue, JsonElement e, string where = "")
    {
        RequireObject(e, where.Length == 0 ? "the body" : where);
        if (!e.TryGetProperty("payload", out var payload) || payload.ValueKind == JsonValueKind.Undefined)
        {
            throw ApiException.BadRequest($"{where}payload: missing; give the job's JSON, e.g. {{\"payload\": {{\"to\": \"a@example.com\"}}}}");
        }

        return new NewJob(queue, payload.GetRawText())
        {
            Delay = Duration(e, "delay", where) ?? TimeSpan.Zero,
            RunAt = Time(e, "run_at", where),
            IdempotencyKey = Text(e, "key", where) is { } key && key.Length > 0 ? key : null,
            Priority = WholeNumber(e, "priority", where, int.MinValue, int.MaxValue) ?? 0,
            MaxAttempts = WholeNumber(e, "max_attempts", where, 1, 1000),
        };
    }

    /// <summary>The batch form <c>{"jobs": [job, …]}</c>, or null when the body is one job.</summary>
    public static IReadOnlyList<NewJob>? Batch(string queue, JsonElement e, int max)
    {
        RequireObject(e, "the body");
        if (!e.TryGetProperty("jobs", out var jobs))
        {
            return null;
        }

        if (jobs.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.BadRequest("jobs: must be an array of jobs, each {\"payload\": …}");
        }

        var count = jobs.GetArrayLength();
        if (count > max)
        {
            throw ApiException.BadRequest($"jobs: {count} jobs in one request; send at most {max}");
        }

        var result = new List<NewJob>(count);
        var i = 0;
        foreach (var job in jobs.EnumerateArray())
        {
            result.Add(Job(queue, job, $"jobs[{i++}]."));
        }

        return result;
    }

    /// <summary>The fence of a per-job call: the URL's id with the body's <c>attempt</c>.</summary>
    public static JobLease Lease(long id, JsonElement e) =>
        new(id, WholeNumber(e, "attempt", "", 1, int.MaxValue) ?? throw ApiException.BadRequest("attempt: missing; send the attempt the job was leased with"));

    /// <summary><c>{"jobs": [{"id", "attempt", "output"?}, …]}</c> of the batch heartbeat and ack.</summary>
    public static IReadOnlyList<JobCompletion> Leases(JsonElement e, int max)
    {
        RequireObject(e, "the body");
        if (!e.TryGetProperty("jobs", out var jobs) || jobs.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.BadRequest("jobs: missing; send {\"jobs\": [{\"id\": 1, \"attempt\": 1}, …]}");
        }

        if (jobs.GetArrayLength() > max)
        {
            throw ApiException.BadRequest($"jobs: send at most {max} in one request");
        }

        var result = new List<JobCompletion>();
        var i = 0;
        foreach (var job in jobs.EnumerateArray())
        {
            var where = $"jobs[{i++}].";
            RequireObject(job, where.TrimEnd('.'));
            var id = JobId(job, "id", where) ?? throw ApiException.BadRequest($"{where}id: missing");
            var attempt = WholeNumber(job, "attempt", where, 1, int.MaxValue) ?? throw ApiException.BadRequest($"{where}attempt: missing");
            result.Add(new JobCompletion(new JobLease(id, attempt), Text(job, "output", where)));
        }

        return result;
    }

    public static void RequireObject(JsonElement e, string what)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.BadRequest($"{what}: must be a JSON object, got {Kind(e)}");
        }
    }

    public static string? Text(JsonElement e, string name, string where = "") =>
        Field(e, name) is not { } v ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString()
        : throw ApiException.BadRequest($"{where}{name}: must be a string, got {Kind(v)}");

    public static int? WholeNumber(JsonElement e, string name, string where, int min, int max)
    {
        if (Field(e, name) is not { } v)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var n) || n < min || n > max)
        {
            throw ApiException.BadRequest($"{where}{name}: must be a whole number from {min} to {max}, got {Shown(v)}");
        }

        return n;
    }

    public static long? JobId(JsonElement e, string name, string where) =>
        Field(e, name) is not { } v ? null
        : v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n > 0 ? n
        : throw ApiException.BadRequest($"{where}{name}: must be a job id (a whole number above 0), got {Shown(v)}");

    /// <summary>Seconds as a number, or a duration string (<c>"30s"</c>, <c>"5m"</c>).</summary>
    public static TimeSpan? Duration(JsonElement e, string name, string where = "")
    {
        if (Field(e, name) is not { } v)
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var seconds) && seconds >= 0 && seconds <= Durations.Max.TotalSeconds)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (v.ValueKind == JsonValueKind.String && Durations.Parse(v.GetString()) is { } parsed)
        {
            return parsed;
        }

        throw ApiException.BadRequest($"{where}{name}: must be seconds (a number) or a duration such as {Durations.Examples}, got {Shown(v)}");
    }

    private static DateTimeOffset? Time(JsonElement e, string name, string where) =>
        Field(e, name) is not { } v ? null
        : v.ValueKind == JsonValueKind.String &&
          DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t
        : throw ApiException.BadRequest($"{where}{name}: must be an ISO 8601 time such as 2026-12-05T14:00:00Z, got {Shown(v)}");

    /// <summary>The property, or null when it is missing or JSON null (both mean "the default").</summary>
    private static JsonElement? Field(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    private static string Shown(JsonElement v)
    {
        var text = v.GetRawText();
        return text.Length > 40 ? text[..40] + "…" : text;
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
