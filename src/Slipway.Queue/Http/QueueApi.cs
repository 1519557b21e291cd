using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Slipway.Queue.Http;

/// <summary>
/// The routes of <see cref="QueueHttpServer"/>, each one library call: enqueue (single and batch), lease with long
/// polling, and the fenced heartbeat, ack, fail and release of a leased job (fence: the URL's id and the body's
/// <c>attempt</c>; a call whose lease is no longer held is answered 409 and changes nothing).
/// </summary>
internal sealed class QueueApi(IQueueEngine engine, QueueHttpOptions options, QueueHttpMetrics metrics, TimeProvider time, CancellationToken stopping)
{
    private static readonly JsonDocumentOptions BodyOptions = new() { MaxDepth = 64 };

    public async Task EnqueueAsync(HttpContext http)
    {
        var queue = Queue(http);
        using var body = await BodyAsync(http);
        var batch = RequestReader.Batch(queue, body.RootElement, options.MaxBatch);
        if (batch is null)
        {
            var result = await engine.EnqueueAsync(RequestReader.Job(queue, body.RootElement), http.RequestAborted);
            metrics.AddEnqueued(result.Created ? 1 : 0, result.Created ? 0 : 1);
            await JsonReply.WriteAsync(http, result.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK, w =>
            {
                w.WriteNumber("id", result.JobId);
                w.WriteBoolean("created", result.Created);
            });
            return;
        }

        var results = batch.Count == 0 ? [] : await engine.EnqueueManyAsync(batch, http.RequestAborted);
        var created = results.Count(r => r.Created);
        metrics.AddEnqueued(created, results.Count - created);
        await JsonReply.WriteAsync(http, StatusCodes.Status200OK, w =>
        {
            w.WriteNumber("created", created);
            w.WriteStartArray("jobs");
            foreach (var r in results)
            {
                w.WriteStartObject();
                w.WriteNumber("id", r.JobId);
                w.WriteBoolean("created", r.Created);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    /// <summary><c>{"max": N, "wait": seconds, "lease": seconds}</c>: up to N jobs, waiting up to <c>wait</c> for the first.</summary>
    public async Task LeaseAsync(HttpContext http)
    {
        var queue = Queue(http);
        using var body = await BodyAsync(http);
        var e = body.RootElement;
        RequestReader.RequireObject(e, "the body");
        var max = RequestReader.WholeNumber(e, "max", "", 1, options.MaxBatch) ?? 1;
        var wait = RequestReader.Duration(e, "wait") ?? TimeSpan.Zero;
        var lease = RequestReader.Duration(e, "lease") ?? options.DefaultLease;
        if (lease <= TimeSpan.Zero)
        {
            throw ApiException.BadRequest("lease: must be more than 0");
        }

        wait = wait > options.MaxWait ? options.MaxWait : wait;
        using var gone = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        var jobs = await new LongPoll(engine, time, options.IdlePoll, metrics).LeaseAsync(queue, max, lease, wait, gone.Token);
        if (jobs.Count > 0 && http.RequestAborted.IsCancellationRequested)
        {
            // The worker hung up while its jobs were being leased: give them back rather than let them wait out a lease.
            foreach (var job in jobs)
            {
                await engine.GiveBackAsync(job.Lease, CancellationToken.None);
            }

            return;
        }

        metrics.AddLeased(jobs.Count);
        await JsonReply.WriteAsync(http, StatusCodes.Status200OK, w =>
        {
            w.WriteStartArray("jobs");
            foreach (var job in jobs)
            {
                JsonReply.Job(w, job);
            }

            w.WriteEndArray();
        });
    }

    public async Task HeartbeatAsync(HttpContext http)
    {
        var (lease, body) = await FencedAsync(http);
        using (body)
        {
            var length = RequestReader.Duration(body.RootElement, "lease") ?? options.DefaultLease;
            var held = await engine.HeartbeatAsync([lease], length, http.RequestAborted);
            if (held.Count == 0)
            {
                await LostAsync(http, lease);
                return;
            }

            await JsonReply.WriteAsync(http, StatusCodes.Status200OK, w =>
            {
                Fence(w, lease);
                w.WriteString("leased_until", time.GetUtcNow() + length);
            });
        }
    }

    public async Task AckAsync(HttpContext http)
    {
        var (lease, body) = await FencedAsync(http);
        using (body)
        {
            var output = RequestReader.Text(body.RootElement, "output");
            if (!await engine.CompleteAsync(lease, output, http.RequestAborted))
            {
                await LostAsync(http, lease);
                return;
            }

            metrics.AddAcked(1);
            await JsonReply.WriteAsync(http, StatusCodes.Status200OK, w =>
            {
                Fence(w, lease);
                w.WriteString("state", "succeeded");
            });
        }
    }

    /// <summary><c>{"attempt", "message", "output"?}</c>: retried after the backoff, or dead when its attempts are spent.</summary>
    public async Task FailAsync(HttpContext http)
    {
        var (lease, body) = await FencedAsync(http);
        using (body)
        {
            var message = RequestReader.Text(body.RootElement, "message");
            if (string.IsNullOrWhiteSpace(message))
            {
                throw ApiException.BadRequest("message: missing; say why the job failed (it is kept with the job)");
            }

            var result = await engine.FailAsync(lease, new JobFailure(message, RequestReader.Text(body.RootElement, "output")), http.RequestAborted);
            if (result.Outcome == FailOutcome.Refused)
            {
                await LostAsync(http, lease);
                return;
            }

            metrics.AddFailed();
            options.FailureLog?.Write(Workers.JobFailureEvent.Create(Queue(http), lease.JobId, lease.Attempt, result, message,
                RequestReader.Text(body.RootElement, "output"), time.GetUtcNow()));
            await JsonReply.WriteAsync(http, StatusCodes.Status200OK, w =>
            {
                Fence(w, lease);
                w.WriteString("state", result.Outcome == FailOutcome.Dead ? "dead" : "retrying");
                if (result.RetryAt is { } at)
                {
                    w.WriteString("retry_at", at);
                }
            });
        }
    }

    /// <summary>A worker stopping hands the job back: visible at once, the attempt not spent.</summary>
    public async Task ReleaseAsync(HttpContext http)
    {
        var (lease, body) = await FencedAsync(http);
        using (body)
        {
            if (!await engine.GiveBackAsync(lease, http.RequestAborted))
            {
                await LostAsync(http, lease);
                return;
            }

            await JsonReply.WriteAsync(http, StatusCodes.Status200OK, w =>
            {
                Fence(w, lease);
                w.WriteString("state", "ready");
            });
        }
    }

    /// <summary><c>{"jobs": [{"id", "attempt"}…], "lease"?}</c>: extends all in one call; answers which are held and which were lost.</summary>
    public async Task HeartbeatManyAsync(HttpContext http)
    {
        using var body = await BodyAsync(http);
        var leases = RequestReader.Leases(body.RootElement, options.MaxBatch).Select(c => c.Lease).ToList();
        var length = RequestReader.Duration(body.RootElement, "lease") ?? options.DefaultLease;
        var held = leases.Count == 0 ? [] : await engine.HeartbeatAsync(leases, length, http.RequestAborted);
        metrics.AddRefused(leases.Count - held.Count);
        await HeldAndLostAsync(http, "held", leases, held);
    }

    /// <summary><c>{"jobs": [{"id", "attempt", "output"?}…]}</c>: completes all in one transaction.</summary>
    public async Task AckManyAsync(HttpContext http)
    {
        using var body = await BodyAsync(http);
        var completions = RequestReader.Leases(body.RootElement, options.MaxBatch);
        var done = completions.Count == 0 ? [] : await engine.CompleteManyAsync(completions, http.RequestAborted);
        metrics.AddAcked(done.Count);
        metrics.AddRefused(completions.Count - done.Count);
        await HeldAndLostAsync(http, "acked", completions.Select(c => c.Lease).ToList(), done);
    }

    public async Task StatsAsync(HttpContext http)
    {
        var queue = Queue(http);
        var s = await engine.StatsAsync(queue, http.RequestAborted);
        await JsonReply.WriteAsync(http, StatusCodes.Status200OK, w =>
        {
            w.WriteString("queue", s.Queue);
            w.WriteNumber("ready", s.Ready);
            w.WriteNumber("scheduled", s.Scheduled);
            w.WriteNumber("running", s.Running);
            w.WriteNumber("succeeded", s.Succeeded);
            w.WriteNumber("dead", s.Dead);
            if (s.OldestReadyAge is { } age)
            {
                w.WriteNumber("oldest_ready_age_ms", (long)age.TotalMilliseconds);
            }
            else
            {
                w.WriteNull("oldest_ready_age_ms");
            }
        });
    }

    public async Task MetricsAsync(HttpContext http)
    {
        var text = metrics.ToPrometheus(await engine.StatsAsync(http.RequestAborted));
        http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await http.Response.WriteAsync(text, http.RequestAborted);
    }

    private static async Task<(JobLease Lease, JsonDocument Body)> FencedAsync(HttpContext http)
    {
        Queue(http);
        var idText = http.Request.RouteValues["id"] as string;
        if (!long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
        {
            throw new ApiException(StatusCodes.Status404NotFound, $"'{idText}' is not a job id");
        }

        var body = await BodyAsync(http);
        try
        {
            RequestReader.RequireObject(body.RootElement, "the body");
            return (RequestReader.Lease(id, body.RootElement), body);
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    private Task LostAsync(HttpContext http, JobLease lease)
    {
        metrics.AddRefused(1);
        return JsonReply.WriteAsync(http, StatusCodes.Status409Conflict, w =>
        {
            w.WriteString("error", $"job {lease.JobId} attempt {lease.Attempt} is no longer leased to you " +
                                   "(its lease ran out and it was leased again, or it was finished or deleted); nothing changed");
            Fence(w, lease);
        });
    }

    private static Task HeldAndLostAsync(HttpContext http, string heldName, List<JobLease> asked, IReadOnlyList<JobLease> held)
    {
        var kept = held.ToHashSet();
        return JsonReply.WriteAsync(http, StatusCodes.Status200OK, w =>
        {
            Leases(w, heldName, asked.Where(kept.Contains));
            Leases(w, "lost", asked.Where(l => !kept.Contains(l)));
        });
    }

    private static void Leases(Utf8JsonWriter w, string name, IEnumerable<JobLease> leases)
    {
        w.WriteStartArray(name);
        foreach (var l in leases)
        {
            w.WriteStartObject();
            Fence(w, l);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Fence(Utf8JsonWriter w, JobLease lease)
    {
        w.WriteNumber("id", lease.JobId);
        w.WriteNumber("attempt", lease.Attempt);
    }

    internal static string Queue(HttpContext http)
    {
        var queue = http.Request.RouteValues["queue"] as string ?? "";
        return QueueName.IsValid(queue) ? queue : throw new ApiException(StatusCodes.Status404NotFound, $"'{queue}' is not a queue name: use {QueueName.Rule}");
    }

    /// <summary>The body as JSON; an empty body is <c>{}</c> (a lease with every default).</summary>
    private static async Task<JsonDocument> BodyAsync(HttpContext http)
    {
        try
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
            return buffer.Length == 0 ? JsonDocument.Parse("{}") : JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), BodyOptions);
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"the body is not JSON: {e.Message}");
        }
    }
}
