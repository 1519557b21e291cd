using Slipway.Core;

namespace Slipway.Queue.Tests.Contract;

/// <summary>Leases, heartbeats and the fence.</summary>
public abstract partial class QueueEngineContract
{
    [Fact(Timeout = 60_000)]
    public async Task A_dead_workers_job_comes_back_after_its_lease_as_a_new_attempt()
    {
        Needs(EngineCapability.FakeClock);
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await NewEngineAsync();
        var queued = await engine.EnqueueAsync(Job("x"), ct);
        var first = await LeaseOneAsync(engine);

        // Given the worker died (no heartbeat), when the lease has not run out yet, then nobody else gets the job ...
        Clock.Advance(Lease - TimeSpan.FromMilliseconds(1));
        (await engine.LeaseAsync("mail", 10, Lease, ct)).ShouldBeEmpty();

        // ... and once it has, the next lease gets it as attempt 2.
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var second = await LeaseOneAsync(engine);
        second.Id.ShouldBe(queued.JobId);
        second.Attempt.ShouldBe(first.Attempt + 1);
        second.AttemptsUsed.ShouldBe(2);
        (await engine.GetAsync(second.Id, ct))!.LastError.ShouldBe("attempt 1: lease expired (worker lost)");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_late_complete_after_a_rescue_is_refused_and_changes_nothing()
    {
        Needs(EngineCapability.FakeClock);
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await NewEngineAsync();
        await engine.EnqueueAsync(Job("x"), ct);
        var slow = await LeaseOneAsync(engine);
        Clock.Advance(Lease + TimeSpan.FromSeconds(1));
        var rescuer = await LeaseOneAsync(engine);

        // The slow worker wakes up: every fenced call with its old attempt is refused.
        (await engine.CompleteAsync(slow.Lease, "late", ct)).ShouldBeFalse();
        (await engine.FailAsync(slow.Lease, new JobFailure("late"), ct)).Outcome.ShouldBe(FailOutcome.Refused);
        (await engine.HeartbeatAsync([slow.Lease], Lease, ct)).ShouldBeEmpty();
        (await engine.GiveBackAsync(slow.Lease, ct)).ShouldBeFalse();
        (await engine.GetAsync(slow.Id, ct))!.State.ShouldBe(JobState.Running);

        (await engine.CompleteAsync(rescuer.Lease, "done", ct)).ShouldBeTrue();
        var job = (await engine.GetAsync(slow.Id, ct))!;
        job.State.ShouldBe(JobState.Succeeded);
        job.Output.ShouldBe("done");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_rescue_never_overwrites_a_completion()
    {
        Needs(EngineCapability.FakeClock);
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await NewEngineAsync();
        await engine.EnqueueAsync(Job("x"), ct);
        var job = await LeaseOneAsync(engine);
        (await engine.CompleteAsync(job.Lease, null, ct)).ShouldBeTrue();

        // Long after the lease would have run out, a lease (which also rescues and buries) leaves the job alone.
        Clock.Advance(Lease * 10);
        (await engine.LeaseAsync("mail", 10, Lease, ct)).ShouldBeEmpty();
        (await engine.GetAsync(job.Id, ct))!.State.ShouldBe(JobState.Succeeded);
        (await engine.CompleteAsync(job.Lease, null, ct)).ShouldBeFalse(); // and twice is refused
    }

    [Fact(Timeout = 60_000)]
    public async Task A_job_running_three_times_its_lease_with_heartbeats_is_never_handed_out_again()
    {
        Needs(EngineCapability.FakeClock);
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await NewEngineAsync();
        await engine.EnqueueAsync(Job("long"), ct);
        var job = await LeaseOneAsync(engine);

        for (var beat = 0; beat < 9; beat++)
        {
            Clock.Advance(Lease / 3);
            (await engine.HeartbeatAsync([job.Lease], Lease, ct)).ShouldBe([job.Lease]);
            (await engine.LeaseAsync("mail", 10, Lease, ct)).ShouldBeEmpty();
        }

        (await engine.CompleteAsync(job.Lease, null, ct)).ShouldBeTrue();
        var stored = (await engine.GetAsync(job.Id, ct))!;
        stored.Attempt.ShouldBe(1);
        stored.State.ShouldBe(JobState.Succeeded);
    }

    [Fact(Timeout = 60_000)]
    public async Task Heartbeat_reports_only_the_leases_still_held()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await NewEngineAsync();
        await engine.EnqueueManyAsync([Job("a"), Job("b")], ct);
        var jobs = await engine.LeaseAsync("mail", 2, Lease, ct);
        await engine.CompleteAsync(jobs[0].Lease, null, ct);

        (await engine.HeartbeatAsync([jobs[0].Lease, jobs[1].Lease], Lease, ct)).ShouldBe([jobs[1].Lease]);
    }

    [Fact(Timeout = 60_000)]
    public async Task Giving_a_job_back_makes_it_ready_at_once_without_spending_an_attempt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await NewEngineAsync(new QueueEngineOptions { Retry = new RetryPolicy { MaxAttempts = 1 } });
        await engine.EnqueueAsync(Job("x"), ct);
        var first = await LeaseOneAsync(engine);

        (await engine.GiveBackAsync(first.Lease, ct)).ShouldBeTrue();

        var again = await LeaseOneAsync(engine);
        again.Attempt.ShouldBe(2); // the fence still moved on
        again.AttemptsUsed.ShouldBe(1);
        (await engine.CompleteAsync(first.Lease, null, ct)).ShouldBeFalse();
    }

    [Fact(Timeout = 60_000)]
    public async Task A_concurrency_limit_caps_the_jobs_running_at_once_across_engines()
    {
        Needs(EngineCapability.ConcurrencyLimits);
        var ct = TestContext.Current.CancellationToken;
        var options = new QueueEngineOptions { ConcurrencyLimits = new Dictionary<string, int> { ["mail"] = 2 } };
        var url = await NewStoreAsync(ct);
        await using var a = await OpenAsync(url, options);
        await using var b = await OpenAsync(url, options);
        await a.EnqueueManyAsync([.. Enumerable.Range(0, 5).Select(i => Job($"j{i}"))], ct);

        var first = await a.LeaseAsync("mail", 5, Lease, ct);
        first.Count.ShouldBe(2);
        (await b.LeaseAsync("mail", 5, Lease, ct)).ShouldBeEmpty();

        await a.CompleteAsync(first[0].Lease, null, ct);
        (await b.LeaseAsync("mail", 5, Lease, ct)).Count.ShouldBe(1);

        // A lease that ran out no longer counts.
        Clock.Advance(Lease);
        (await b.LeaseAsync("mail", 5, Lease, ct)).Count.ShouldBe(2);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_rate_limit_paces_the_jobs_started_across_engines_and_spends_nothing_on_an_empty_queue()
    {
        Needs(EngineCapability.RateLimits);
        var ct = TestContext.Current.CancellationToken;
        var options = new QueueEngineOptions { RateLimits = new Dictionary<string, Rate> { ["mail"] = new(3, TimeSpan.FromSeconds(30)) } };
        var url = await NewStoreAsync(ct);
        await using var a = await OpenAsync(url, options);
        await using var b = await OpenAsync(url, options);
        var hour = TimeSpan.FromHours(1); // no lease runs out here: only the rate decides

        // Leasing an empty queue takes no token: the three are all there once jobs come.
        (await a.LeaseAsync("mail", 5, hour, ct)).ShouldBeEmpty();
        await a.EnqueueManyAsync([.. Enumerable.Range(0, 10).Select(i => Job($"j{i}"))], ct);
        await a.EnqueueAsync(Job("other", "reports"), ct);

        (await a.LeaseAsync("mail", 5, hour, ct)).Count.ShouldBe(3); // the burst: the bucket's three tokens
        (await b.LeaseAsync("mail", 5, hour, ct)).ShouldBeEmpty(); // the other host sees the same bucket
        (await b.LeaseAsync("reports", 5, Lease, ct)).Count.ShouldBe(1); // a queue without a rate is not held back

        // One token per 10 s after that, whoever asks.
        Clock.Advance(TimeSpan.FromSeconds(9.9));
        (await b.LeaseAsync("mail", 5, hour, ct)).ShouldBeEmpty();
        Clock.Advance(TimeSpan.FromSeconds(0.1));
        (await b.LeaseAsync("mail", 5, hour, ct)).Count.ShouldBe(1);
        (await a.LeaseAsync("mail", 5, hour, ct)).ShouldBeEmpty();

        // A long quiet spell banks no more than the burst.
        Clock.Advance(TimeSpan.FromMinutes(10));
        (await a.LeaseAsync("mail", 5, hour, ct)).Count.ShouldBe(3);
        (await b.LeaseAsync("mail", 5, hour, ct)).ShouldBeEmpty();
        (await a.StatsAsync("mail", ct)).Ready.ShouldBe(3);
    }

    [Fact(Timeout = 60_000)]
    public async Task Two_engines_leasing_at_once_never_hand_out_the_same_job()
    {
        var ct = TestContext.Current.CancellationToken;
        var url = await NewStoreAsync(ct);
        await using var a = await OpenAsync(url);
        await using var b = await OpenAsync(url);
        await a.EnqueueManyAsync([.. Enumerable.Range(0, 300).Select(i => Job($"j{i}"))], ct);

        async Task<List<long>> DrainAsync(IQueueEngine engine)
        {
            var ids = new List<long>();
            while (await engine.LeaseAsync("mail", 7, Lease, ct) is { Count: > 0 } jobs)
            {
                ids.AddRange(jobs.Select(j => j.Id));
            }

            return ids;
        }

        var both = await Task.WhenAll(DrainAsync(a), DrainAsync(b));

        var all = both[0].Concat(both[1]).ToList();
        all.Count.ShouldBe(300);
        all.Distinct().Count().ShouldBe(300);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_enqueue_wakes_a_waiter_that_looked_before_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await NewEngineAsync();
        var wake = engine.WhenJobsMayBeReadyAsync("mail");
        (await engine.LeaseAsync("mail", 1, Lease, ct)).ShouldBeEmpty();
        wake.IsCompleted.ShouldBeFalse();

        await engine.EnqueueAsync(Job("x"), ct);

        await wake.WaitAsync(TimeSpan.FromSeconds(10), ct);
    }
}
