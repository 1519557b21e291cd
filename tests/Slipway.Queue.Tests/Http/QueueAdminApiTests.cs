using System.Globalization;
using System.Net;
using System.Text.Json;
using Slipway.Core;
using Slipway.Queue.Tests.Contract;

namespace Slipway.Queue.Tests.Http;

/// <summary>
/// The HTTP API's admin routes over real HTTP on loopback, on each engine with a store the tests start: what an admin
/// script or page sees (the documents of <c>queue ls|peek|retry|delete|purge --json</c>), and the 400, 404 and 409 answers.
/// </summary>
public abstract class QueueAdminApiTests
{
    private static readonly QueueEngineOptions Options = new()
    {
        ConcurrencyLimits = new Dictionary<string, int>(StringComparer.Ordinal) { ["mail"] = 2 },
        RateLimits = new Dictionary<string, Rate>(StringComparer.Ordinal) { ["mail"] = new(10, TimeSpan.FromSeconds(1)) },
        JitterSource = () => 0,
    };

    /// <summary>A fresh, empty store's URL.</summary>
    protected abstract Task<string> NewStoreAsync(CancellationToken ct);

    private async Task<ApiServer> StartAsync(CancellationToken ct) => await ApiServer.StartAsync(ct, await NewStoreAsync(ct), Options);

    [Fact(Timeout = 60_000)]
    public async Task The_queue_list_is_what_queue_ls_json_prints_with_the_limits_and_jobs_finished_per_minute()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await StartAsync(ct);
        await api.Engine.EnqueueManyAsync([new NewJob("mail", "1"), new NewJob("mail", "2"), new NewJob("mail", "3"), new NewJob("reports", "{}")], ct);
        var job = (await api.Engine.LeaseAsync("mail", 1, TimeSpan.FromMinutes(1), ct)).Single();
        (await api.Engine.CompleteAsync(job.Lease, null, ct)).ShouldBeTrue();
        api.Clock.Advance(TimeSpan.FromSeconds(5));

        var (status, first) = await api.SendAsync(HttpMethod.Get, "api/queues", ct);

        status.ShouldBe(HttpStatusCode.OK, first.ToString());
        first.GetProperty("ok").GetBoolean().ShouldBeTrue();
        var queues = first.GetProperty("queues").EnumerateArray().ToList();
        queues.Select(q => q.GetProperty("queue").GetString()).ShouldBe(["mail", "reports"]);
        var mail = queues[0];
        mail.EnumerateObject().Select(p => p.Name).ShouldBe(
            ["queue", "ready", "scheduled", "running", "succeeded", "dead", "oldest_ready_age_ms", "concurrency_limit", "rate_limit"]);
        (mail.GetProperty("ready").GetInt32(), mail.GetProperty("succeeded").GetInt32()).ShouldBe((2, 1));
        mail.GetProperty("oldest_ready_age_ms").GetInt64().ShouldBe(5000);
        mail.GetProperty("concurrency_limit").GetInt32().ShouldBe(2);
        mail.GetProperty("rate_limit").GetString().ShouldBe("10/s");
        queues[1].TryGetProperty("concurrency_limit", out _).ShouldBeFalse();

        // A minute later, one more finished: the second look measures one a minute.
        job = (await api.Engine.LeaseAsync("mail", 1, TimeSpan.FromMinutes(1), ct)).Single();
        (await api.Engine.CompleteAsync(job.Lease, null, ct)).ShouldBeTrue();
        api.Clock.Advance(TimeSpan.FromMinutes(1));
        var (_, second) = await api.SendAsync(HttpMethod.Get, "api/queues", ct);
        second.GetProperty("queues")[0].GetProperty("finished_per_minute").GetDouble().ShouldBe(1.0);
    }

    [Fact(Timeout = 60_000)]
    public async Task Jobs_are_listed_by_state_including_retrying_page_by_page_and_one_by_id()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await StartAsync(ct);
        var (dead, retrying, running, ready) = await FillAsync(api, ct);

        var deadList = await JobsAsync(api, "api/queues/mail/jobs?state=dead", ct);
        var deadJob = deadList.ShouldHaveSingleItem();
        deadJob.GetProperty("id").GetInt64().ShouldBe(dead);
        deadJob.GetProperty("state").GetString().ShouldBe("dead");
        deadJob.GetProperty("last_error").GetString().ShouldBe("exit code 1: no such address");
        deadJob.GetProperty("output").GetString().ShouldBe("Traceback …");
        deadJob.GetProperty("payload").GetString().ShouldBe("{\"to\":\"a\"}");

        var retryingJob = (await JobsAsync(api, "api/queues/mail/jobs?state=retrying", ct)).ShouldHaveSingleItem();
        retryingJob.GetProperty("id").GetInt64().ShouldBe(retrying);
        retryingJob.GetProperty("state").GetString().ShouldBe("ready");
        retryingJob.GetProperty("retrying").GetBoolean().ShouldBeTrue();
        retryingJob.GetProperty("scheduled").GetBoolean().ShouldBeTrue(); // waiting out its backoff
        retryingJob.GetProperty("attempts_used").GetInt32().ShouldBe(1);
        retryingJob.GetProperty("last_error").GetString().ShouldBe("smtp busy");
        (await JobsAsync(api, "api/queues/mail/jobs?state=running", ct)).ShouldHaveSingleItem().GetProperty("id").GetInt64().ShouldBe(running);

        // Ready: the retrying job and the five waiting ones, four a page, the next page after the last id.
        var pages = new List<List<long>>();
        long after = 0;
        do
        {
            pages.Add([.. (await JobsAsync(api, $"api/queues/mail/jobs?state=ready&limit=4&after={after}", ct)).Select(j => j.GetProperty("id").GetInt64())]);
            after = pages[^1].LastOrDefault();
        }
        while (pages[^1].Count == 4);
        pages.Select(p => p.Count).ShouldBe([4, 2]);
        pages.SelectMany(p => p).ShouldBe([retrying, .. ready]);
        (await JobsAsync(api, "api/queues/mail/jobs", ct)).Count.ShouldBe(8);

        var (oneStatus, one) = await api.SendAsync(HttpMethod.Get, $"api/queues/mail/jobs/{dead}", ct);
        oneStatus.ShouldBe(HttpStatusCode.OK);
        one.GetProperty("queue").GetString().ShouldBe("mail");
        one.GetProperty("jobs").EnumerateArray().ShouldHaveSingleItem().GetProperty("last_error").GetString().ShouldBe("exit code 1: no such address");

        var (missing, why) = await api.SendAsync(HttpMethod.Get, "api/queues/mail/jobs/987654321", ct);
        missing.ShouldBe(HttpStatusCode.NotFound);
        why.GetProperty("error").GetString().ShouldBe("no job 987654321 in mail");
        (await api.SendAsync(HttpMethod.Get, $"api/queues/reports/jobs/{dead}", ct)).Status.ShouldBe(HttpStatusCode.NotFound);
        var (bad, badWhy) = await api.SendAsync(HttpMethod.Get, "api/queues/mail/jobs?state=lost", ct);
        bad.ShouldBe(HttpStatusCode.BadRequest);
        badWhy.GetProperty("error").GetString().ShouldBe("state: 'lost' is not one of ready, retrying, running, succeeded or dead");
        (await api.SendAsync(HttpMethod.Get, "api/queues/mail/jobs?limit=0", ct)).Status.ShouldBe(HttpStatusCode.BadRequest);
        (await api.SendAsync(HttpMethod.Get, "api/queues/mail/jobs?after=x", ct)).Status.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact(Timeout = 60_000)]
    public async Task Retry_delete_and_purge_change_the_store_and_refuse_a_running_or_unknown_job()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await StartAsync(ct);
        var (dead, _, running, ready) = await FillAsync(api, ct);

        var (retried, count) = await api.SendAsync(HttpMethod.Post, $"api/queues/mail/jobs/{dead}/retry", ct);
        retried.ShouldBe(HttpStatusCode.OK, count.ToString());
        count.ToString().ShouldBe("""{"ok":true,"queue":"mail","action":"retried","count":1}""");
        var back = await api.Engine.GetAsync(dead, ct);
        (back!.State, back.AttemptsUsed).ShouldBe((JobState.Ready, 0));

        var (again, notDead) = await api.SendAsync(HttpMethod.Post, $"api/queues/mail/jobs/{dead}/retry", ct);
        again.ShouldBe(HttpStatusCode.Conflict);
        notDead.GetProperty("error").GetString().ShouldBe($"job {dead} is ready, not dead: only a dead job can be retried");
        notDead.GetProperty("state").GetString().ShouldBe("ready");
        (await api.SendAsync(HttpMethod.Post, $"api/queues/mail/jobs/{running}/retry", ct)).Body.GetProperty("state").GetString().ShouldBe("running");
        (await api.SendAsync(HttpMethod.Post, "api/queues/mail/jobs/987654321/retry", ct)).Status.ShouldBe(HttpStatusCode.NotFound);

        // A running job is its worker's: 409, and it stays, unless forced.
        var (busy, held) = await api.SendAsync(HttpMethod.Delete, $"api/queues/mail/jobs/{running}", ct);
        busy.ShouldBe(HttpStatusCode.Conflict);
        held.GetProperty("error").GetString()!.ShouldStartWith($"job {running} is running (attempt 1, leased until ");
        (await api.Engine.GetAsync(running, ct))!.State.ShouldBe(JobState.Running);
        (await api.SendAsync(HttpMethod.Delete, $"api/queues/mail/jobs/{running}?force=true", ct)).Body.GetProperty("count").GetInt32().ShouldBe(1);
        (await api.Engine.GetAsync(running, ct)).ShouldBeNull();

        var (deleted, gone) = await api.SendAsync(HttpMethod.Delete, $"api/queues/mail/jobs/{ready[0]}", ct);
        deleted.ShouldBe(HttpStatusCode.OK);
        gone.GetProperty("action").GetString().ShouldBe("deleted");
        (await api.SendAsync(HttpMethod.Delete, $"api/queues/mail/jobs/{ready[0]}", ct)).Status.ShouldBe(HttpStatusCode.NotFound);

        // Purge takes a state, not the retrying listing; then the whole queue.
        var (badState, why) = await api.SendAsync(HttpMethod.Post, "api/queues/mail/purge?state=retrying", ct);
        badState.ShouldBe(HttpStatusCode.BadRequest);
        why.GetProperty("error").GetString().ShouldBe("state: 'retrying' is not one of ready, running, succeeded or dead");
        (await api.SendAsync(HttpMethod.Post, "api/queues/mail/purge?state=dead", ct)).Body.GetProperty("count").GetInt32().ShouldBe(0);
        var (purged, all) = await api.SendAsync(HttpMethod.Post, "api/queues/mail/purge", ct);
        purged.ShouldBe(HttpStatusCode.OK);
        all.ToString().ShouldBe("""{"ok":true,"queue":"mail","action":"purged","count":6}""");
        (await api.Engine.StatsAsync("mail", ct)).ShouldBe(new QueueStats("mail", 0, 0, 0, 0, 0, null));
    }

    [Fact(Timeout = 60_000)]
    public async Task Retry_all_brings_back_every_dead_job_and_the_admin_routes_need_the_token()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await StartAsync(ct);
        await api.Engine.EnqueueManyAsync([new NewJob("mail", "1") { MaxAttempts = 1 }, new NewJob("mail", "2") { MaxAttempts = 1 }], ct);
        foreach (var job in await api.Engine.LeaseAsync("mail", 2, TimeSpan.FromMinutes(1), ct))
        {
            (await api.Engine.FailAsync(job.Lease, new JobFailure("bad"), ct)).Outcome.ShouldBe(FailOutcome.Dead);
        }

        using var anonymous = new HttpClient { BaseAddress = api.Server.Address };
        (await anonymous.GetAsync("api/queues", ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.PostAsync("api/queues/mail/retry", null, ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.DeleteAsync("api/queues/mail/jobs/1", ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await api.Engine.StatsAsync("mail", ct)).Dead.ShouldBe(2);

        var (status, count) = await api.SendAsync(HttpMethod.Post, "api/queues/mail/retry", ct);
        status.ShouldBe(HttpStatusCode.OK);
        count.GetProperty("count").GetInt32().ShouldBe(2);
        (await api.Engine.StatsAsync("mail", ct)).Ready.ShouldBe(2);
    }

    /// <summary>
    /// Eight jobs of "mail": one dead (its only attempt failed), one retrying (failed once of three, waiting out its
    /// backoff), one running, and five waiting; the ids of the dead, retrying and running ones and of the waiting ones.
    /// </summary>
    private static async Task<(long Dead, long Retrying, long Running, List<long> Ready)> FillAsync(ApiServer api, CancellationToken ct)
    {
        var ids = (await api.Engine.EnqueueManyAsync(
            [
                new NewJob("mail", "{\"to\":\"a\"}") { MaxAttempts = 1 },
                new NewJob("mail", "{\"to\":\"b\"}") { MaxAttempts = 3 },
                .. Enumerable.Range(0, 6).Select(i => new NewJob("mail", $"{{\"n\":{i}}}")),
            ], ct)).Select(r => r.JobId).ToList();
        var leased = await api.Engine.LeaseAsync("mail", 2, TimeSpan.FromMinutes(1), ct);
        leased.Select(j => j.Id).Order().ShouldBe(ids.Take(2));
        var a = leased.Single(j => j.Id == ids[0]);
        var b = leased.Single(j => j.Id == ids[1]);
        (await api.Engine.FailAsync(a.Lease, new JobFailure("exit code 1: no such address", "Traceback …"), ct)).Outcome.ShouldBe(FailOutcome.Dead);
        (await api.Engine.FailAsync(b.Lease, new JobFailure("smtp busy"), ct)).Outcome.ShouldBe(FailOutcome.Retrying);
        var c = (await api.Engine.LeaseAsync("mail", 1, TimeSpan.FromMinutes(1), ct)).Single();
        c.Id.ShouldBe(ids[2]);
        return (ids[0], ids[1], ids[2], ids.Skip(3).ToList());
    }

    private static async Task<List<JsonElement>> JobsAsync(ApiServer api, string path, CancellationToken ct)
    {
        var (status, body) = await api.SendAsync(HttpMethod.Get, path, ct);
        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        body.GetProperty("ok").GetBoolean().ShouldBeTrue();
        return [.. body.GetProperty("jobs").EnumerateArray()];
    }
}

/// <summary>The admin routes on the embedded engine.</summary>
public sealed class SqliteAdminApiTests : QueueAdminApiTests, IDisposable
{
    private readonly Slipway.Testing.TempDir _dir = new("slipway-queue-admin-");
    private int _stores;

    protected override Task<string> NewStoreAsync(CancellationToken ct) =>
        Task.FromResult("sqlite://" + _dir.File(string.Create(CultureInfo.InvariantCulture, $"queue-{Interlocked.Increment(ref _stores)}.db")));

    public void Dispose() => _dir.Dispose();
}

/// <summary>The admin routes on PostgreSQL (the contract suite's server, a database per test).</summary>
public sealed class PostgresAdminApiTests(PostgresFixture postgres) : QueueAdminApiTests, IClassFixture<PostgresFixture>
{
    protected override Task<string> NewStoreAsync(CancellationToken ct) => postgres.NewDatabaseAsync(ct);
}

/// <summary>The admin routes on Redis (the contract suite's server, a key prefix per test).</summary>
public sealed class RedisAdminApiTests(RedisFixture redis) : QueueAdminApiTests, IClassFixture<RedisFixture>
{
    protected override Task<string> NewStoreAsync(CancellationToken ct) => redis.NewStoreAsync(ct);
}
