using System.Globalization;
using Slipway.Core.Web;

namespace Slipway.Queue.Web;

/// <summary>
/// <c>/queue</c>: every queue's depth, scheduled, running, succeeded and dead counts, the oldest waiting job's age, jobs
/// finished per minute and the limits from slipway.yml; <c>/queue/dead?queue=Q[&amp;after=ID]</c>: the dead-letter list,
/// a hundred jobs a page, with each job's last error and output, and buttons that retry or delete a job (or retry them
/// all); <c>/queue/retrying?queue=Q[&amp;after=ID]</c>: the ready jobs that failed and wait for their next attempt, with
/// their last error and when they run again. Served by the one web server the
/// CLI runs (<c>logs serve --http</c>) behind its login; the buttons need full access (the server refuses viewers).
/// </summary>
public sealed class QueuePart(QueuePageSources sources, TimeProvider? clock = null) : IWebPart
{
    /// <summary>Dead (or retrying) jobs shown on one page, oldest first.</summary>
    public const int DeadShown = 100;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly Throughput _throughput = new();

    public string Prefix => "/queue";

    public string Title => "Queue";

    public async Task<WebAnswer?> GetAsync(WebAsk ask, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ask);
        var path = ask.Path.TrimEnd('/');
        if (path != Prefix && path != Prefix + "/dead" && path != Prefix + "/retrying")
        {
            return null;
        }

        if (Missing() is { } missing)
        {
            return missing with { Body = QueueHtml.Layout("Queue", QueueHtml.Problem(missing.Body), ask.Menu) };
        }

        try
        {
            await using var engine = sources.Open();
            await engine.InitializeAsync(ct);
            if (path == Prefix)
            {
                var now = _clock.GetUtcNow();
                var rows = (await engine.StatsAsync(ct))
                    .Select(s => new QueueHtml.QueueRow(s, _throughput.Look(s.Queue, s.Succeeded + s.Dead, now),
                        sources.ConcurrencyLimits.TryGetValue(s.Queue, out var limit) ? limit : null,
                        sources.RateLimits.TryGetValue(s.Queue, out var rate) ? rate : null))
                    .ToList();
                return WebAnswer.Html(QueueHtml.Overview(rows, sources.ShownUrl, ask.Menu, Prefix));
            }

            var queue = ask["queue"];
            if (!QueueName.IsValid(queue))
            {
                return new WebAnswer(400, "text/html; charset=utf-8", QueueHtml.Layout("Queue", QueueHtml.Problem($"'{queue}' is not a queue name: use {QueueName.Rule}"), ask.Menu));
            }

            var after = long.TryParse(ask["after"], NumberStyles.None, CultureInfo.InvariantCulture, out var a) ? a : 0;
            var retrying = path.EndsWith("/retrying", StringComparison.Ordinal);
            var stats = await engine.StatsAsync(queue, ct);

            // One more than a page: whether there is a next page, without counting.
            var jobs = await engine.PeekAsync(new JobQuery(queue)
            {
                State = retrying ? JobState.Ready : JobState.Dead,
                OnlyRetrying = retrying,
                Limit = DeadShown + 1,
                AfterId = after,
            }, ct);
            var page = new QueueHtml.Page(jobs.Take(DeadShown).ToList(), after, jobs.Count > DeadShown);
            return WebAnswer.Html(retrying
                ? QueueHtml.Retrying(stats, page, _clock.GetUtcNow(), ask.Menu, Prefix)
                : QueueHtml.Dead(stats, page, ask["done"], ask.Menu, Prefix));
        }
        catch (Exception e) when (e is QueueUnavailableException or QueueException)
        {
            var status = e is QueueUnavailableException ? 503 : 400;
            return new WebAnswer(status, "text/html; charset=utf-8", QueueHtml.Layout("Queue", QueueHtml.Problem(e.Message), ask.Menu));
        }
    }

    public async Task<WebAnswer?> PostAsync(WebAsk ask, IReadOnlyDictionary<string, string> form, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ask);
        ArgumentNullException.ThrowIfNull(form);
        var path = ask.Path.TrimEnd('/');
        if (path != Prefix + "/retry" && path != Prefix + "/delete")
        {
            return null;
        }

        var queue = form.TryGetValue("queue", out var q) ? q : "";
        var idText = form.TryGetValue("id", out var i) ? i : "";
        long? id = long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        var retry = path.EndsWith("/retry", StringComparison.Ordinal);
        if (!QueueName.IsValid(queue) || (idText.Length > 0 && id is null) || (!retry && id is null))
        {
            return new WebAnswer(400, "text/plain; charset=utf-8", "expected a queue name and a job id\n");
        }

        if (Missing() is { } missing)
        {
            return missing;
        }

        string done;
        try
        {
            await using var engine = sources.Open();
            await engine.InitializeAsync(ct);
            if (retry)
            {
                var count = await engine.ReplayAsync(queue, id is { } one ? new[] { one } : null, ct);
                done = id is { } r ? (count == 1 ? $"job {r} is ready again" : $"job {r} was not dead; nothing retried")
                    : string.Create(CultureInfo.InvariantCulture, $"{count} job(s) ready again");
            }
            else
            {
                var count = await engine.DeleteAsync(queue, [id!.Value], ct);
                done = count == 1 ? $"job {id} deleted" : $"job {id} was not there; nothing deleted";
            }
        }
        catch (Exception e) when (e is QueueUnavailableException or QueueException)
        {
            return new WebAnswer(e is QueueUnavailableException ? 503 : 400, "text/html; charset=utf-8",
                QueueHtml.Layout("Queue", QueueHtml.Problem(e.Message), ask.Menu));
        }

        return WebAnswer.SeeOther($"{Prefix}/dead?queue={Uri.EscapeDataString(queue)}&done={Uri.EscapeDataString(done)}");
    }

    /// <summary>Nothing here: the queue's own <c>queue serve</c> has its metrics.</summary>
    public Task<string> MetricsAsync(CancellationToken ct) => Task.FromResult("");

    /// <summary>A SQLite store that does not exist: said, not created (as the reading commands do).</summary>
    private WebAnswer? Missing() =>
        sources.SqliteFile is { } file && !File.Exists(file)
            ? new WebAnswer(404, "text/html; charset=utf-8", $"no queue store at {file} yet (a push or a worker creates it)")
            : null;
}
