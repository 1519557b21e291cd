using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Slipway.Testing;

namespace Slipway.Queue.Tests.Http;

/// <summary>The queue's HTTP API over real HTTP on loopback: what a worker in another language sees.</summary>
public sealed class QueueHttpApiTests
{
    [Fact(Timeout = 30_000)]
    public async Task Without_the_token_every_route_is_refused_with_401_and_nothing_is_added()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await ApiServer.StartAsync(ct);
        using var anonymous = new HttpClient { BaseAddress = api.Server.Address };
        using var push = await anonymous.PostAsync("api/queues/emails/jobs", Json("""{"payload": {"to": "a"}}"""), ct);
        push.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await ApiServer.ReadAsync(push, ct)).GetProperty("error").GetString().ShouldBe("token required: Authorization: Bearer TOKEN");

        using var wrong = new HttpRequestMessage(HttpMethod.Post, "api/queues/emails/lease") { Content = Json("{}") };
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token");
        (await anonymous.SendAsync(wrong, ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync("metrics", ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        (await api.Engine.StatsAsync(ct)).ShouldBeEmpty();
    }

    [Fact(Timeout = 30_000)]
    public async Task A_pushed_job_is_leased_with_its_payload_and_an_ack_completes_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await ApiServer.StartAsync(ct);
        var (status, pushed) = await api.PostAsync("api/queues/emails/jobs", """{"payload": {"to": "a@example.com", "n": [1, 2]}, "priority": 3}""", ct);
        status.ShouldBe(HttpStatusCode.Created);
        var id = pushed.GetProperty("id").GetInt64();
        pushed.GetProperty("created").GetBoolean().ShouldBeTrue();

        var (_, leased) = await api.PostAsync("api/queues/emails/lease", """{"max": 10}""", ct);
        var job = leased.GetProperty("jobs").EnumerateArray().ShouldHaveSingleItem();
        job.GetProperty("id").GetInt64().ShouldBe(id);
        job.GetProperty("priority").GetInt32().ShouldBe(3);
        job.GetProperty("payload").GetProperty("to").GetString().ShouldBe("a@example.com");
        job.GetProperty("payload").GetProperty("n").GetArrayLength().ShouldBe(2);
        var attempt = job.GetProperty("attempt").GetInt32();

        var (ackStatus, ack) = await api.PostAsync($"api/queues/emails/jobs/{id}/ack", $$"""{"attempt": {{attempt}}, "output": "sent"}""", ct);
        ackStatus.ShouldBe(HttpStatusCode.OK, ack.ToString());
        var stored = await api.Engine.GetAsync(id, ct);
        stored!.State.ShouldBe(JobState.Succeeded);
        stored.Output.ShouldBe("sent");
    }

    [Fact(Timeout = 30_000)]
    public async Task A_waiting_lease_returns_as_soon_as_a_job_is_pushed_not_at_its_next_poll()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await ApiServer.StartAsync(ct);

        // The clock never moves in this test and the server polls hourly: only the push's wake-up can end the wait.
        var waiting = api.PostAsync("api/queues/thumbs/lease", """{"max": 5, "wait": 60}""", ct);
        (await Eventually.ForAsync(() => api.Server.Metrics.Waiting == 1, TimeSpan.FromSeconds(10), ct)).ShouldBeTrue("the lease request never started waiting");
        waiting.IsCompleted.ShouldBeFalse();

        var (_, pushed) = await api.PostAsync("api/queues/thumbs/jobs", """{"payload": {"image": 7}}""", ct);
        var (status, leased) = await waiting.WaitAsync(TimeSpan.FromSeconds(10), ct);
        status.ShouldBe(HttpStatusCode.OK);
        leased.GetProperty("jobs").EnumerateArray().ShouldHaveSingleItem().GetProperty("id").GetInt64().ShouldBe(pushed.GetProperty("id").GetInt64());
        api.Server.Metrics.Waiting.ShouldBe(0);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_lease_that_waits_in_vain_answers_with_no_jobs_when_its_wait_is_over()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await ApiServer.StartAsync(ct);
        var waiting = api.PostAsync("api/queues/thumbs/lease", """{"wait": "30s"}""", ct);
        (await Eventually.ForAsync(() => api.Server.Metrics.Waiting == 1, TimeSpan.FromSeconds(10), ct)).ShouldBeTrue();
        api.Clock.Advance(TimeSpan.FromSeconds(31));
        var (status, leased) = await waiting.WaitAsync(TimeSpan.FromSeconds(10), ct);
        status.ShouldBe(HttpStatusCode.OK);
        leased.GetProperty("jobs").GetArrayLength().ShouldBe(0);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_heartbeat_keeps_the_job_past_its_first_lease_and_the_late_ack_of_a_taken_over_job_is_refused_with_409()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await ApiServer.StartAsync(ct);
        var (_, pushed) = await api.PostAsync("api/queues/reports/jobs", """{"payload": 1}""", ct);
        var id = pushed.GetProperty("id").GetInt64();
        var first = (await api.PostAsync("api/queues/reports/lease", """{"lease": 30}""", ct)).Body.GetProperty("jobs")[0].GetProperty("attempt").GetInt32();

        // 20 s in, the heartbeat extends the lease to 50 s; at 40 s (past the first lease's end) nobody else gets the job.
        api.Clock.Advance(TimeSpan.FromSeconds(20));
        var (beatStatus, beat) = await api.PostAsync($"api/queues/reports/jobs/{id}/heartbeat", $$"""{"attempt": {{first}}, "lease": 30}""", ct);
        beatStatus.ShouldBe(HttpStatusCode.OK, beat.ToString());
        beat.GetProperty("leased_until").GetDateTimeOffset().ShouldBe(api.Clock.GetUtcNow() + TimeSpan.FromSeconds(30));
        api.Clock.Advance(TimeSpan.FromSeconds(20));
        (await api.PostAsync("api/queues/reports/lease", "{}", ct)).Body.GetProperty("jobs").GetArrayLength().ShouldBe(0);

        // Silent past the extended lease: another worker takes the job over as a new attempt.
        api.Clock.Advance(TimeSpan.FromSeconds(11));
        var second = (await api.PostAsync("api/queues/reports/lease", "{}", ct)).Body.GetProperty("jobs")[0].GetProperty("attempt").GetInt32();
        second.ShouldBeGreaterThan(first);

        // The first worker wakes up: its ack, fail and heartbeat are all refused and change nothing.
        var (ackStatus, ack) = await api.PostAsync($"api/queues/reports/jobs/{id}/ack", $$"""{"attempt": {{first}}}""", ct);
        ackStatus.ShouldBe(HttpStatusCode.Conflict);
        ack.GetProperty("error").GetString()!.ShouldContain("no longer leased to you");
        (await api.PostAsync($"api/queues/reports/jobs/{id}/fail", $$"""{"attempt": {{first}}, "message": "late"}""", ct)).Status.ShouldBe(HttpStatusCode.Conflict);
        (await api.PostAsync($"api/queues/reports/jobs/{id}/heartbeat", $$"""{"attempt": {{first}}}""", ct)).Status.ShouldBe(HttpStatusCode.Conflict);
        (await api.Engine.GetAsync(id, ct))!.State.ShouldBe(JobState.Running);

        (await api.PostAsync($"api/queues/reports/jobs/{id}/ack", $$"""{"attempt": {{second}}}""", ct)).Status.ShouldBe(HttpStatusCode.OK);
        (await api.Engine.GetAsync(id, ct))!.State.ShouldBe(JobState.Succeeded);
        api.Server.Metrics.Refused.ShouldBe(3);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_failure_keeps_its_message_and_the_job_comes_back_after_the_backoff()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await ApiServer.StartAsync(ct);
        var (_, pushed) = await api.PostAsync("api/queues/mail/jobs", """{"payload": {}, "max_attempts": 2}""", ct);
        var id = pushed.GetProperty("id").GetInt64();
        var attempt = (await api.PostAsync("api/queues/mail/lease", "{}", ct)).Body.GetProperty("jobs")[0].GetProperty("attempt").GetInt32();

        var (status, failed) = await api.PostAsync($"api/queues/mail/jobs/{id}/fail",
            $$"""{"attempt": {{attempt}}, "message": "SMTPException: 554 rejected", "output": "Traceback …"}""", ct);
        status.ShouldBe(HttpStatusCode.OK);
        failed.GetProperty("state").GetString().ShouldBe("retrying");
        var job = await api.Engine.GetAsync(id, ct);
        job!.LastError.ShouldBe("SMTPException: 554 rejected");
        job.Output.ShouldBe("Traceback …");

        api.Clock.Advance(failed.GetProperty("retry_at").GetDateTimeOffset() - api.Clock.GetUtcNow() + TimeSpan.FromSeconds(1));
        var again = (await api.PostAsync("api/queues/mail/lease", "{}", ct)).Body.GetProperty("jobs")[0];
        again.GetProperty("attempts_used").GetInt32().ShouldBe(2);
        var (_, dead) = await api.PostAsync($"api/queues/mail/jobs/{id}/fail", $$"""{"attempt": {{again.GetProperty("attempt").GetInt32()}}, "message": "still rejected"}""", ct);
        dead.GetProperty("state").GetString().ShouldBe("dead");
    }

    [Fact(Timeout = 30_000)]
    public async Task A_batch_push_honours_idempotency_keys_within_the_batch_and_against_stored_jobs()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await ApiServer.StartAsync(ct);
        var (_, single) = await api.PostAsync("api/queues/invoices/jobs", """{"payload": {"n": 0}, "key": "inv-1"}""", ct);
        var (status, again) = await api.PostAsync("api/queues/invoices/jobs", """{"payload": {"n": 9}, "key": "inv-1"}""", ct);
        status.ShouldBe(HttpStatusCode.OK);
        again.GetProperty("created").GetBoolean().ShouldBeFalse();
        again.GetProperty("id").GetInt64().ShouldBe(single.GetProperty("id").GetInt64());

        var (batchStatus, batch) = await api.PostAsync("api/queues/invoices/jobs", """
            {"jobs": [
              {"payload": {"n": 1}, "key": "inv-1"},
              {"payload": {"n": 2}, "key": "inv-2"},
              {"payload": {"n": 3}, "key": "inv-2"},
              {"payload": {"n": 4}, "delay": "5m"}
            ]}
            """, ct);
        batchStatus.ShouldBe(HttpStatusCode.OK);
        batch.GetProperty("created").GetInt32().ShouldBe(2);
        var jobs = batch.GetProperty("jobs").EnumerateArray().ToList();
        jobs[0].GetProperty("id").GetInt64().ShouldBe(single.GetProperty("id").GetInt64());
        jobs[0].GetProperty("created").GetBoolean().ShouldBeFalse();
        jobs[1].GetProperty("created").GetBoolean().ShouldBeTrue();
        jobs[2].GetProperty("id").GetInt64().ShouldBe(jobs[1].GetProperty("id").GetInt64());
        jobs[2].GetProperty("created").GetBoolean().ShouldBeFalse();

        var stats = await api.Engine.StatsAsync("invoices", ct);
        stats.Ready.ShouldBe(2); // inv-1 and inv-2; the delayed one is scheduled
        stats.Scheduled.ShouldBe(1);
    }

    [Fact(Timeout = 30_000)]
    public async Task Batch_heartbeat_and_ack_say_which_leases_were_held_and_which_were_lost()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await ApiServer.StartAsync(ct);
        await api.PostAsync("api/queues/q/jobs", """{"jobs": [{"payload": 1}, {"payload": 2}]}""", ct);
        var jobs = (await api.PostAsync("api/queues/q/lease", """{"max": 2}""", ct)).Body.GetProperty("jobs").EnumerateArray()
            .Select(j => (Id: j.GetProperty("id").GetInt64(), Attempt: j.GetProperty("attempt").GetInt32())).ToList();
        jobs.Count.ShouldBe(2);
        await api.Engine.DeleteAsync("q", [jobs[1].Id], ct);

        var list = $$"""{"jobs": [{"id": {{jobs[0].Id}}, "attempt": {{jobs[0].Attempt}}}, {"id": {{jobs[1].Id}}, "attempt": {{jobs[1].Attempt}}}]}""";
        var (_, beat) = await api.PostAsync("api/queues/q/heartbeat", list, ct);
        beat.GetProperty("held").EnumerateArray().ShouldHaveSingleItem().GetProperty("id").GetInt64().ShouldBe(jobs[0].Id);
        beat.GetProperty("lost").EnumerateArray().ShouldHaveSingleItem().GetProperty("id").GetInt64().ShouldBe(jobs[1].Id);
        var (_, acked) = await api.PostAsync("api/queues/q/ack", list, ct);
        acked.GetProperty("acked").EnumerateArray().ShouldHaveSingleItem().GetProperty("id").GetInt64().ShouldBe(jobs[0].Id);
        (await api.Engine.GetAsync(jobs[0].Id, ct))!.State.ShouldBe(JobState.Succeeded);
    }

    [Fact(Timeout = 30_000)]
    public async Task Mistakes_are_answered_400_or_404_with_what_to_fix()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await ApiServer.StartAsync(ct);
        var (s1, e1) = await api.PostAsync("api/queues/q/jobs", """{"payload": 1, "delay": "soon"}""", ct);
        s1.ShouldBe(HttpStatusCode.BadRequest);
        e1.GetProperty("error").GetString()!.ShouldStartWith("delay: must be seconds (a number) or a duration such as 500ms");
        (await api.PostAsync("api/queues/q/jobs", """{"jobs": [{"payload": 1}, {"priority": 2}]}""", ct)).Body.GetProperty("error").GetString()
            .ShouldStartWith("jobs[1].payload: missing");
        (await api.PostAsync("api/queues/q/jobs", "not json", ct)).Status.ShouldBe(HttpStatusCode.BadRequest);
        (await api.PostAsync("api/queues/q/jobs/1/ack", "{}", ct)).Body.GetProperty("error").GetString().ShouldStartWith("attempt: missing");
        (await api.PostAsync("api/queues/no%20such/jobs", """{"payload": 1}""", ct)).Status.ShouldBe(HttpStatusCode.NotFound);
        (await api.PostAsync("api/nothing", "{}", ct)).Status.ShouldBe(HttpStatusCode.NotFound);
        (await api.Engine.StatsAsync(ct)).ShouldBeEmpty();
    }

    [Fact(Timeout = 30_000)]
    public async Task Metrics_show_each_queues_depth_oldest_wait_and_the_servers_counts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await ApiServer.StartAsync(ct);
        await api.PostAsync("api/queues/mail/jobs", """{"jobs": [{"payload": 1}, {"payload": 2}, {"payload": 3, "key": "k"}, {"payload": 4, "key": "k"}]}""", ct);
        await api.PostAsync("api/queues/mail/lease", "{}", ct);
        api.Clock.Advance(TimeSpan.FromSeconds(5));

        using var response = await api.Client.GetAsync("metrics", ct);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        var text = await response.Content.ReadAsStringAsync(ct);
        text.ShouldContain("slipway_queue_jobs{queue=\"mail\",state=\"ready\"} 2\n");
        text.ShouldContain("slipway_queue_jobs{queue=\"mail\",state=\"running\"} 1\n");
        text.ShouldContain("slipway_queue_oldest_ready_age_seconds{queue=\"mail\"} 5\n");
        text.ShouldContain("slipway_queue_http_enqueued_total 3\n");
        text.ShouldContain("slipway_queue_http_duplicates_total 1\n");
        text.ShouldContain("slipway_queue_http_leased_total 1\n");
        text.ShouldContain("# TYPE slipway_queue_http_waiting_requests gauge\nslipway_queue_http_waiting_requests 0\n");
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
