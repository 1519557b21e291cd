using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Slipway.Queue.Admin;
using Slipway.Queue.Web;

namespace Slipway.Queue.Http;

/// <summary>
/// The admin routes of <see cref="QueueHttpServer"/>: what <c>slipway queue ls|peek|retry|delete|purge --json</c> do,
/// answered with the same documents (<see cref="AdminJson"/>). A job that is not there is 404, a job whose state does
/// not allow the change (running, or not dead for a retry) is 409 with its <c>state</c>, a bad query is 400.
/// </summary>
internal sealed class QueueAdminApi(IQueueEngine engine, QueueHttpOptions options, TimeProvider time)
{
    /// <summary>The longest page of <c>GET …/jobs</c>; the CLI's peek takes up to 10,000 but a web client wants pages.</summary>
    public const int MaxPage = 1000;

    private const int DefaultPage = 50;

    private readonly Throughput _throughput = new();

    /// <summary><c>GET /api/queues</c>: every queue's counts, limits, and jobs finished per minute between two calls.</summary>
    public async Task ListAsync(HttpContext http)
    {
        var now = time.GetUtcNow();
        var all = await engine.StatsAsync(http.RequestAborted);
        var records = all.Select(s => QueueStatsRecord.From(s).WithLimits(options.ConcurrencyLimits, options.RateLimits) with
        {
            FinishedPerMinute = _throughput.Look(s.Queue, s.Succeeded + s.Dead, now) is { } perMinute ? Math.Round(perMinute, 1) : null,
        }).ToList();
        await WriteAsync(http, new QueueListRecord(true, records), AdminJson.Context.QueueListRecord);
    }

    /// <summary><c>GET /api/queues/Q/jobs?state=&amp;limit=&amp;after=</c>: a page of jobs, oldest first; the next page is <c>after=</c> the last id.</summary>
    public async Task JobsAsync(HttpContext http)
    {
        var queue = QueueApi.Queue(http);
        var state = Word(http, "state");
        var limit = Number(http, "limit", 1, MaxPage) ?? DefaultPage;
        var after = Number(http, "after", 0, long.MaxValue) ?? 0;
        var query = JobStates.Query(queue, state, (int)limit, after)
                    ?? throw ApiException.BadRequest($"state: '{state}' is not one of {JobStates.ListWords}");
        var jobs = await engine.PeekAsync(query, http.RequestAborted);
        var now = time.GetUtcNow();
        await WriteAsync(http, new PeekRecord(true, queue, [.. jobs.Select(j => JobRecord.From(j, now))]), AdminJson.Context.PeekRecord);
    }

    /// <summary><c>GET /api/queues/Q/jobs/ID</c>: one job in full, as <c>queue peek Q ID --json</c> (a list of one).</summary>
    public async Task JobAsync(HttpContext http)
    {
        var (queue, job) = await FindAsync(http);
        await WriteAsync(http, new PeekRecord(true, queue, [JobRecord.From(job, time.GetUtcNow())]), AdminJson.Context.PeekRecord);
    }

    /// <summary><c>POST /api/queues/Q/jobs/ID/retry</c>: a dead job ready again now, with all its attempts.</summary>
    public async Task RetryAsync(HttpContext http)
    {
        var (queue, job) = await FindAsync(http);
        if (job.State != JobState.Dead)
        {
            await ConflictAsync(http, job, $"job {job.Id} is {JobStates.Name(job.State)}, not dead: only a dead job can be retried");
            return;
        }

        var count = await engine.ReplayAsync(queue, [job.Id], http.RequestAborted);
        if (count == 0)
        {
            // Deleted, retried or pruned between the read and the change.
            await JsonReply.ErrorAsync(http, StatusCodes.Status409Conflict, $"job {job.Id} is no longer dead; nothing retried");
            return;
        }

        await WriteAsync(http, new CountRecord(true, queue, "retried", count), AdminJson.Context.CountRecord);
    }

    /// <summary><c>POST /api/queues/Q/retry</c>: every dead job of the queue, as <c>queue retry Q</c>.</summary>
    public async Task RetryAllAsync(HttpContext http)
    {
        var queue = QueueApi.Queue(http);
        var count = await engine.ReplayAsync(queue, null, http.RequestAborted);
        await WriteAsync(http, new CountRecord(true, queue, "retried", count), AdminJson.Context.CountRecord);
    }

    /// <summary>
    /// <c>DELETE /api/queues/Q/jobs/ID</c>: a job in any state but running (409: its worker holds it; <c>?force=true</c>
    /// deletes it anyway, and the worker then finds its lease gone).
    /// </summary>
    public async Task DeleteAsync(HttpContext http)
    {
        var (queue, job) = await FindAsync(http);
        if (job.State == JobState.Running && !Flag(http, "force"))
        {
            await ConflictAsync(http, job,
                $"job {job.Id} is running (attempt {job.Attempt}, leased until {job.VisibleAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}); wait for it, or add ?force=true to delete it under its worker");
            return;
        }

        var count = await engine.DeleteAsync(queue, [job.Id], http.RequestAborted);
        if (count == 0)
        {
            throw new ApiException(StatusCodes.Status404NotFound, $"no job {job.Id} in {queue} (it went while being deleted)");
        }

        await WriteAsync(http, new CountRecord(true, queue, "deleted", count), AdminJson.Context.CountRecord);
    }

    /// <summary><c>POST /api/queues/Q/purge?state=S</c>: every job of the queue, or those in one state, as <c>queue purge</c>.</summary>
    public async Task PurgeAsync(HttpContext http)
    {
        var queue = QueueApi.Queue(http);
        JobState? state = null;
        if (Word(http, "state") is { } word)
        {
            state = JobStates.Parse(word) ?? throw ApiException.BadRequest($"state: '{word}' is not one of {JobStates.Words}");
        }

        var count = await engine.PurgeAsync(queue, state, http.RequestAborted);
        await WriteAsync(http, new CountRecord(true, queue, "purged", count), AdminJson.Context.CountRecord);
    }

    /// <summary>The URL's job, which must be of the URL's queue (404 otherwise, as <c>queue peek Q ID</c> exits 1).</summary>
    private async Task<(string Queue, JobInfo Job)> FindAsync(HttpContext http)
    {
        var queue = QueueApi.Queue(http);
        var idText = http.Request.RouteValues["id"] as string;
        if (!long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
        {
            throw new ApiException(StatusCodes.Status404NotFound, $"'{idText}' is not a job id");
        }

        var job = await engine.GetAsync(id, http.RequestAborted);
        return job is not null && job.Queue == queue
            ? (queue, job)
            : throw new ApiException(StatusCodes.Status404NotFound, $"no job {id} in {queue}" + (engine.Kind == "sqs" ? " (on SQS only dead jobs can be found by id)" : ""));
    }

    private static Task ConflictAsync(HttpContext http, JobInfo job, string message) =>
        JsonReply.WriteAsync(http, StatusCodes.Status409Conflict, w =>
        {
            w.WriteString("error", message);
            w.WriteNumber("id", job.Id);
            w.WriteString("state", JobStates.Name(job.State));
        });

    private static async Task WriteAsync<T>(HttpContext http, T value, JsonTypeInfo<T> type)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, type);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.ContentLength = bytes.Length + 1;
        await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
        await http.Response.Body.WriteAsync("\n"u8.ToArray(), http.RequestAborted);
    }

    private static string? Word(HttpContext http, string name) =>
        http.Request.Query.TryGetValue(name, out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[^1]) ? values[^1] : null;

    private static long? Number(HttpContext http, string name, long min, long max)
    {
        if (Word(http, name) is not { } text)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw ApiException.BadRequest($"{name}: must be a whole number from {min} to {max}, got '{text}'");
    }

    private static bool Flag(HttpContext http, string name) =>
        Word(http, name) is { } text && (text == "1" || text.Equals("true", StringComparison.OrdinalIgnoreCase));
}
