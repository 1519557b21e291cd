namespace Slipway.Queue.Tests.Contract;

/// <summary>Stats, peek, delete, purge and retention.</summary>
public abstract partial class QueueEngineContract
{
    [Fact(Timeout = 60_000)]
    public async Task Stats_count_each_state_and_the_oldest_waiting_job()
    {
        Needs(EngineCapability.FakeClock);
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await NewEngineAsync();
        await engine.EnqueueManyAsync([Job("a"), Job("b"), Job("c"), Job("later") with { Delay = TimeSpan.FromHours(1) }], ct);
        await engine.EnqueueAsync(Job("x", "thumbs"), ct);
        Clock.Advance(TimeSpan.FromSeconds(42));
        var jobs = await engine.LeaseAsync("mail", 2, Lease, ct);
        await engine.CompleteAsync(jobs[0].Lease, null, ct);

        var all = await engine.StatsAsync(ct);

        all.ShouldBe(
        [
            new QueueStats("mail", Ready: 1, Scheduled: 1, Running: 1, Succeeded: 1, Dead: 0, OldestReadyAge: TimeSpan.FromSeconds(42)),
            new QueueStats("thumbs", 1, 0, 0, 0, 0, TimeSpan.FromSeconds(42)),
        ]);
        (await engine.StatsAsync("empty", ct)).ShouldBe(new QueueStats("empty", 0, 0, 0, 0, 0, null));
    }

    [Fact(Timeout = 60_000)]
    public async Task Peek_pages_through_a_queue_by_id_and_filters_by_state()
    {
        Needs(EngineCapability.JobLookup);
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await NewEngineAsync();
        var ids = (await engine.EnqueueManyAsync([.. Enumerable.Range(0, 5).Select(i => Job($"j{i}"))], ct)).Select(r => r.JobId).ToList();
        await LeaseOneAsync(engine);

        var page = await engine.PeekAsync(new JobQuery("mail") { Limit = 2, AfterId = ids[1] }, ct);
        page.Select(j => j.Payload).ShouldBe(["j2", "j3"]);
        (await engine.PeekAsync(new JobQuery("mail") { State = JobState.Running }, ct)).Select(j => j.Payload).ShouldBe(["j0"]);
        var job = page[0];
        job.State.ShouldBe(JobState.Ready);
        job.CreatedAt.ShouldBe(Start);
        job.MaxAttempts.ShouldBe(10);
    }

    [Fact(Timeout = 60_000)]
    public async Task Delete_removes_the_given_jobs_even_a_running_one_whose_worker_then_is_refused()
    {
        Needs(EngineCapability.JobLookup);
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await NewEngineAsync();
        var ids = (await engine.EnqueueManyAsync([Job("a"), Job("b"), Job("c")], ct)).Select(r => r.JobId).ToList();
        var running = await LeaseOneAsync(engine);

        (await engine.DeleteAsync("mail", [ids[0], ids[2]], ct)).ShouldBe(2);
        (await engine.DeleteAsync("other", [ids[1]], ct)).ShouldBe(0); // the queue must match

        (await engine.CompleteAsync(running.Lease, null, ct)).ShouldBeFalse();
        (await engine.PeekAsync(new JobQuery("mail"), ct)).Select(j => j.Payload).ShouldBe(["b"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task Purge_empties_a_queue_or_one_state_of_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await NewEngineAsync(new QueueEngineOptions { Retry = new RetryPolicy { MaxAttempts = 1 } });
        await engine.EnqueueManyAsync([Job("a"), Job("b"), Job("c")], ct);
        await engine.EnqueueAsync(Job("kept", "other"), ct);
        var job = await LeaseOneAsync(engine);
        await engine.FailAsync(job.Lease, new JobFailure("boom"), ct);

        (await engine.PurgeAsync("mail", JobState.Dead, ct)).ShouldBe(1);
        (await engine.PurgeAsync("mail", null, ct)).ShouldBe(2);
        (await engine.StatsAsync(ct)).Select(s => s.Queue).ShouldBe(["other"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task Retention_removes_finished_jobs_past_their_age_or_over_the_per_queue_cap_and_frees_their_keys()
    {
        Needs(EngineCapability.FakeClock);
        var ct = TestContext.Current.CancellationToken;
        var options = new QueueEngineOptions
        {
            Retention = new RetentionPolicy { Succeeded = TimeSpan.FromHours(1), SucceededPerQueue = 2, Dead = TimeSpan.FromDays(1) },
            Retry = new RetryPolicy { MaxAttempts = 1 },
        };
        await using var engine = await NewEngineAsync(options);
        await engine.EnqueueManyAsync([.. Enumerable.Range(0, 4).Select(i => Job($"j{i}") with { IdempotencyKey = $"k{i}" })], ct);
        var jobs = await engine.LeaseAsync("mail", 4, Lease, ct);
        foreach (var job in jobs.Take(3))
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            await engine.CompleteAsync(job.Lease, null, ct);
        }

        await engine.FailAsync(jobs[3].Lease, new JobFailure("boom"), ct);

        // Over the cap of 2: the oldest success goes; the dead job stays.
        (await engine.PruneAsync(ct)).ShouldBe(1);
        (await engine.PeekAsync(new JobQuery("mail"), ct)).Select(j => j.Payload).ShouldBe(["j1", "j2", "j3"]);

        Clock.Advance(TimeSpan.FromHours(2));
        (await engine.PruneAsync(ct)).ShouldBe(2);
        Clock.Advance(TimeSpan.FromDays(1));
        (await engine.PruneAsync(ct)).ShouldBe(1);
        (await engine.EnqueueAsync(Job("again") with { IdempotencyKey = "k0" }, ct)).Created.ShouldBeTrue();
    }

    [Fact(Timeout = 60_000)]
    public async Task Output_and_errors_keep_their_last_characters_within_the_limit()
    {
        Needs(EngineCapability.JobLookup);
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await NewEngineAsync(new QueueEngineOptions { OutputLimit = 100 });
        await engine.EnqueueAsync(Job("x"), ct);
        var job = await LeaseOneAsync(engine);
        var output = new string('a', 500) + "the end";

        await engine.CompleteAsync(job.Lease, output, ct);

        var kept = (await engine.GetAsync(job.Id, ct))!.Output!;
        kept.Length.ShouldBe(100);
        kept.ShouldEndWith("the end");
    }
}
