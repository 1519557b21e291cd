namespace Slipway.Queue.Tests.Contract;

/// <summary>Retries with backoff, the dead-letter list and replay.</summary>
public abstract partial class QueueEngineContract
{
    private static readonly QueueEngineOptions ThreeAttempts = new()
    {
        Retry = new RetryPolicy { MaxAttempts = 3, BaseDelay = TimeSpan.FromSeconds(10) },
        JitterSource = () => 0,
    };

    [Fact(Timeout = 60_000)]
    public async Task A_failure_retries_after_an_exponential_backoff_then_dead_letters()
    {
        Needs(EngineCapability.FakeClock);
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await NewEngineAsync(ThreeAttempts);
        var queued = await engine.EnqueueAsync(Job("x"), ct);

        // Attempt 1 fails: visible again after 10 s.
        var job = await LeaseOneAsync(engine);
        (await engine.FailAsync(job.Lease, new JobFailure("smtp down"), ct)).ShouldBe(
            new FailResult(FailOutcome.Retrying, Start + TimeSpan.FromSeconds(10)));
        (await engine.StatsAsync("mail", ct)).Scheduled.ShouldBe(1);
        Clock.Advance(TimeSpan.FromSeconds(9));
        (await engine.LeaseAsync("mail", 1, Lease, ct)).ShouldBeEmpty();
        Clock.Advance(TimeSpan.FromSeconds(1));

        // Attempt 2 fails: 20 s.
        job = await LeaseOneAsync(engine);
        job.AttemptsUsed.ShouldBe(2);
        (await engine.FailAsync(job.Lease, new JobFailure("smtp down"), ct)).RetryAt.ShouldBe(Clock.GetUtcNow() + TimeSpan.FromSeconds(20));
        Clock.Advance(TimeSpan.FromSeconds(20));

        // Attempt 3 fails: its last, so dead, with the error and output kept.
        job = await LeaseOneAsync(engine);
        (await engine.FailAsync(job.Lease, new JobFailure("exit code 1", "Traceback ..."), ct)).Outcome.ShouldBe(FailOutcome.Dead);
        Clock.Advance(TimeSpan.FromHours(1));
        (await engine.LeaseAsync("mail", 1, Lease, ct)).ShouldBeEmpty();
        var dead = await engine.PeekAsync(new JobQuery("mail") { State = JobState.Dead }, ct);
        dead.Count.ShouldBe(1);
        dead[0].Id.ShouldBe(queued.JobId);
        dead[0].LastError.ShouldBe("exit code 1");
        dead[0].Output.ShouldBe("Traceback ...");
        dead[0].AttemptsUsed.ShouldBe(3);
        (await engine.StatsAsync("mail", ct)).Dead.ShouldBe(1);
    }

    [Fact(Timeout = 60_000)]
    public async Task Retry_delays_are_jittered_within_the_documented_spread()
    {
        var ct = TestContext.Current.CancellationToken;
        var draws = new Queue<double>([1.0, -1.0]);
        await using var engine = await NewEngineAsync(ThreeAttempts with { JitterSource = () => draws.Dequeue() });
        await engine.EnqueueManyAsync([Job("a"), Job("b")], ct);
        var jobs = await engine.LeaseAsync("mail", 2, Lease, ct);

        (await engine.FailAsync(jobs[0].Lease, new JobFailure("e"), ct)).RetryAt.ShouldBe(Start + TimeSpan.FromSeconds(12.5));
        (await engine.FailAsync(jobs[1].Lease, new JobFailure("e"), ct)).RetryAt.ShouldBe(Start + TimeSpan.FromSeconds(7.5));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_lease_that_runs_out_on_the_last_attempt_dead_letters_the_job()
    {
        Needs(EngineCapability.FakeClock);
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await NewEngineAsync(ThreeAttempts with { Retry = ThreeAttempts.Retry with { MaxAttempts = 1 } });
        await engine.EnqueueAsync(Job("x"), ct);
        var job = await LeaseOneAsync(engine);

        Clock.Advance(Lease);
        (await engine.LeaseAsync("mail", 1, Lease, ct)).ShouldBeEmpty();

        var stored = (await engine.GetAsync(job.Id, ct))!;
        stored.State.ShouldBe(JobState.Dead);
        stored.LastError.ShouldBe("attempt 1 of 1: lease expired (worker lost)");
        (await engine.CompleteAsync(job.Lease, null, ct)).ShouldBeFalse();
    }

    [Fact(Timeout = 60_000)]
    public async Task Replay_brings_dead_jobs_back_with_all_their_attempts()
    {
        Needs(EngineCapability.JobLookup);
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await NewEngineAsync(ThreeAttempts with { Retry = ThreeAttempts.Retry with { MaxAttempts = 1 } });
        var results = await engine.EnqueueManyAsync([Job("a"), Job("b"), Job("c")], ct);
        foreach (var job in await engine.LeaseAsync("mail", 3, Lease, ct))
        {
            (await engine.FailAsync(job.Lease, new JobFailure("boom"), ct)).Outcome.ShouldBe(FailOutcome.Dead);
        }

        (await engine.ReplayAsync("mail", [results[1].JobId], ct)).ShouldBe(1);
        var replayed = await LeaseOneAsync(engine);
        replayed.Payload.ShouldBe("b");
        replayed.AttemptsUsed.ShouldBe(1);

        (await engine.ReplayAsync("mail", null, ct)).ShouldBe(2);
        (await engine.StatsAsync("mail", ct)).ShouldBe(new QueueStats("mail", 2, 0, 1, 0, 0, TimeSpan.Zero));
    }
}
