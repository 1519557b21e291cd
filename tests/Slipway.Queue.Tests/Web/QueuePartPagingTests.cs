using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Slipway.Core.Web;
using Slipway.Queue.Web;
using Slipway.Testing;

namespace Slipway.Queue.Tests.Web;

/// <summary>
/// The queue page's job lists on a SQLite store: the dead-letter list a hundred a page with links to the next and the
/// first page, and the jobs waiting to retry (ready after a failure) with their error and when they run again.
/// </summary>
public sealed partial class QueuePartPagingTests : IDisposable
{
    private readonly TempDir _dir = new("slipway-queue-page-");
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-06T05:00:00Z", CultureInfo.InvariantCulture));

    [Fact(Timeout = 60_000)]
    public async Task The_dead_letter_list_pages_through_more_than_a_hundred_jobs()
    {
        var ct = TestContext.Current.CancellationToken;
        var (part, engine) = await StoreAsync(ct);
        await using (engine)
        {
            await engine.EnqueueManyAsync([.. Enumerable.Range(0, 230).Select(i => new NewJob("mail", $"{{\"n\":{i}}}") { MaxAttempts = 1 })], ct);
            foreach (var job in await engine.LeaseAsync("mail", 230, TimeSpan.FromMinutes(1), ct))
            {
                await engine.FailAsync(job.Lease, new JobFailure($"failed {job.Id}"), ct);
            }
        }

        var seen = new List<long>();
        var query = new Dictionary<string, string> { ["queue"] = "mail" };
        var pages = 0;
        string html;
        while (true)
        {
            html = (await part.GetAsync(new WebAsk("/queue/dead", query, []), ct))!.Body;
            pages++;
            seen.AddRange(JobRow().Matches(html).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
            if (NextPage().Match(html) is not { Success: true } next)
            {
                break;
            }

            if (pages == 1)
            {
                html.ShouldNotContain("id=\"first-page\""); // the first page does not link to itself
            }

            query = new Dictionary<string, string> { ["queue"] = "mail", ["after"] = next.Groups[1].Value };
        }

        pages.ShouldBe(3);
        seen.Count.ShouldBe(230);
        seen.ShouldBe(seen.Order().Distinct()); // oldest first, none twice
        html.ShouldContain("id=\"first-page\" href=\"/queue/dead?queue=mail\"");
    }

    [Fact(Timeout = 60_000)]
    public async Task Jobs_waiting_to_retry_are_listed_with_their_error_and_their_next_attempt()
    {
        var ct = TestContext.Current.CancellationToken;
        var (part, engine) = await StoreAsync(ct);
        long retrying;
        await using (engine)
        {
            var ids = await engine.EnqueueManyAsync([new NewJob("mail", "{\"to\": \"<b>a</b>\"}"), new NewJob("mail", "{}")], ct);
            var first = (await engine.LeaseAsync("mail", 1, TimeSpan.FromMinutes(1), ct)).Single();
            (await engine.FailAsync(first.Lease, new JobFailure("smtp <busy>"), ct)).Outcome.ShouldBe(FailOutcome.Retrying);
            retrying = first.Id;
            ids[0].JobId.ShouldBe(retrying);
        }

        var html = (await part.GetAsync(new WebAsk("/queue/retrying", new Dictionary<string, string> { ["queue"] = "mail" }, []), ct))!.Body;

        JobRow().Matches(html).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ShouldBe([retrying]);
        html.ShouldContain("smtp &lt;busy&gt;");
        html.ShouldContain("<td class=\"next\">in 10s</td>"); // the first backoff, no jitter
        html.ShouldContain("&lt;b&gt;a&lt;/b&gt;");
        var dead = (await part.GetAsync(new WebAsk("/queue/dead", new Dictionary<string, string> { ["queue"] = "mail" }, []), ct))!.Body;
        dead.ShouldContain("href=\"/queue/retrying?queue=mail\"");
    }

    public void Dispose() => _dir.Dispose();

    private async Task<(QueuePart Part, IQueueEngine Engine)> StoreAsync(CancellationToken ct)
    {
        var url = "sqlite://" + _dir.File("queue.db");
        var options = new QueueEngineOptions { JitterSource = () => 0 };
        var engine = QueueEngineFactory.Open(url, options, _clock);
        await engine.InitializeAsync(ct);
        var part = new QueuePart(new QueuePageSources
        {
            Open = () => QueueEngineFactory.Open(url, options, _clock),
            ShownUrl = url,
            SqliteFile = _dir.File("queue.db"),
        }, _clock);
        return (part, engine);
    }

    [GeneratedRegex("<tr data-job=\"(\\d+)\"")]
    private static partial Regex JobRow();

    [GeneratedRegex("id=\"next-page\" href=\"/queue/(?:dead|retrying)\\?queue=mail&amp;after=(\\d+)\"")]
    private static partial Regex NextPage();
}
