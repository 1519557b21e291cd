using Microsoft.Extensions.Time.Testing;

namespace Slipway.Queue.Tests.Contract;

/// <summary>
/// What every engine must do, run against each on a real server (a subclass per engine says how to make an empty
/// store and returns its URL). The engine logic runs on a fake clock; the worker tests run on the real one.
/// </summary>
public abstract partial class QueueEngineContract
{
    protected static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    protected static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    protected FakeTimeProvider Clock { get; } = new(Start);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A URL of a new, empty store.</summary>
    protected abstract Task<string> NewStoreAsync(CancellationToken ct);

    /// <summary>
    /// Why this engine lacks <paramref name="capability"/>, or null when it has it (every engine but SQS has all). A
    /// contract test that needs what an engine lacks is skipped with that reason; the engine's own test class then
    /// asserts the refusal, and covers the same behaviour in the way the engine can (SQS: on the real clock).
    /// </summary>
    protected virtual string? Lacks(EngineCapability capability) => null;

    protected void Needs(EngineCapability capability)
    {
        if (Lacks(capability) is { } reason)
        {
            Assert.Skip(reason);
        }
    }

    protected async Task<IQueueEngine> OpenAsync(string url, QueueEngineOptions? options = null, TimeProvider? time = null)
    {
        var engine = QueueEngineFactory.Open(url, options ?? new QueueEngineOptions { JitterSource = () => 0 }, time ?? Clock);
        await engine.InitializeAsync(Ct);
        return engine;
    }

    protected async Task<IQueueEngine> NewEngineAsync(QueueEngineOptions? options = null, TimeProvider? time = null) =>
        await OpenAsync(await NewStoreAsync(Ct), options, time);

    protected static NewJob Job(string payload, string queue = "mail") => new(queue, payload);

    protected static async Task<LeasedJob> LeaseOneAsync(IQueueEngine engine, string queue = "mail")
    {
        var jobs = await engine.LeaseAsync(queue, 1, Lease, Ct);
        jobs.Count.ShouldBe(1);
        return jobs[0];
    }

    [Fact(Timeout = 60_000)]
    public async Task Enqueue_then_lease_hands_out_the_payload_as_attempt_one()
    {
        Needs(EngineCapability.JobLookup);
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await NewEngineAsync();
        var queued = await engine.EnqueueAsync(Job("""{"to":"ops@example.com"}"""), ct);
        queued.Created.ShouldBeTrue();

        var job = await LeaseOneAsync(engine);

        job.Id.ShouldBe(queued.JobId);
        job.Payload.ShouldBe("""{"to":"ops@example.com"}""");
        job.Attempt.ShouldBe(1);
        job.AttemptsUsed.ShouldBe(1);
        job.LeasedUntil.ShouldBe(Start + Lease);
        (await engine.LeaseAsync("mail", 10, Lease, ct)).ShouldBeEmpty();
        (await engine.CompleteAsync(job.Lease, "sent", ct)).ShouldBeTrue();
        var stored = (await engine.GetAsync(job.Id, ct))!;
        stored.State.ShouldBe(JobState.Succeeded);
        stored.Output.ShouldBe("sent");
    }

    [Fact(Timeout = 60_000)]
    public async Task Queues_are_separate()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await NewEngineAsync();
        await engine.EnqueueAsync(Job("a", "mail"), ct);
        await engine.EnqueueAsync(Job("b", "thumbs"), ct);

        (await engine.LeaseAsync("thumbs", 10, Lease, ct)).Select(j => j.Payload).ShouldBe(["b"]);
        (await engine.LeaseAsync("mail", 10, Lease, ct)).Select(j => j.Payload).ShouldBe(["a"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task Higher_priority_is_leased_first_then_enqueue_order()
    {
        Needs(EngineCapability.Priorities);
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await NewEngineAsync();
        await engine.EnqueueManyAsync(
        [
            Job("low-1") with { Priority = -1 },
            Job("normal-1"),
            Job("high") with { Priority = 10 },
            Job("normal-2"),
            Job("low-2") with { Priority = -1 },
        ], ct);

        var order = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            order.Add((await LeaseOneAsync(engine)).Payload);
        }

        order.ShouldBe(["high", "normal-1", "normal-2", "low-1", "low-2"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_delayed_job_is_not_leased_before_its_time()
    {
        Needs(EngineCapability.FakeClock);
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await NewEngineAsync();
        await engine.EnqueueAsync(Job("later") with { Delay = TimeSpan.FromMinutes(5) }, ct);
        await engine.EnqueueAsync(Job("at") with { RunAt = Start.AddMinutes(10) }, ct);
        (await engine.StatsAsync("mail", ct)).Scheduled.ShouldBe(2);

        Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));
        (await engine.LeaseAsync("mail", 10, Lease, ct)).ShouldBeEmpty();
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var later = await LeaseOneAsync(engine);
        later.Payload.ShouldBe("later");
        await engine.CompleteAsync(later.Lease, null, ct);
        Clock.Advance(TimeSpan.FromMinutes(5));
        (await engine.LeaseAsync("mail", 10, Lease, ct)).Select(j => j.Payload).ShouldBe(["at"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_idempotency_key_returns_the_stored_job_instead_of_adding_one()
    {
        Needs(EngineCapability.IdempotencyKeys);
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await NewEngineAsync();
        var first = await engine.EnqueueAsync(Job("v1") with { IdempotencyKey = "invoice-42" }, ct);
        var again = await engine.EnqueueAsync(Job("v2") with { IdempotencyKey = "invoice-42" }, ct);
        var otherQueue = await engine.EnqueueAsync(Job("v3", "other") with { IdempotencyKey = "invoice-42" }, ct);

        again.ShouldBe(new EnqueueResult(first.JobId, Created: false));
        otherQueue.Created.ShouldBeTrue();
        (await engine.StatsAsync("mail", ct)).Ready.ShouldBe(1);
        (await LeaseOneAsync(engine)).Payload.ShouldBe("v1");
    }

    [Fact(Timeout = 60_000)]
    public async Task Bulk_enqueue_honours_idempotency_keys_within_the_batch_and_against_stored_jobs()
    {
        Needs(EngineCapability.IdempotencyKeys);
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await NewEngineAsync();
        var stored = await engine.EnqueueAsync(Job("stored") with { IdempotencyKey = "k1" }, ct);

        var results = await engine.EnqueueManyAsync(
        [
            Job("dup-of-stored") with { IdempotencyKey = "k1" },
            Job("new") with { IdempotencyKey = "k2" },
            Job("dup-in-batch") with { IdempotencyKey = "k2" },
            Job("no-key-1"),
            Job("no-key-2"),
        ], ct);

        results[0].ShouldBe(new EnqueueResult(stored.JobId, Created: false));
        results[1].Created.ShouldBeTrue();
        results[2].ShouldBe(new EnqueueResult(results[1].JobId, Created: false));
        results[3].Created.ShouldBeTrue();
        results[4].Created.ShouldBeTrue();
        results.Select(r => r.JobId).Distinct().Count().ShouldBe(4);
        var payloads = (await engine.PeekAsync(new JobQuery("mail"), ct)).Select(j => j.Payload);
        payloads.ShouldBe(["stored", "new", "no-key-1", "no-key-2"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task Concurrent_bulk_enqueues_of_the_same_keys_store_each_key_once()
    {
        Needs(EngineCapability.IdempotencyKeys);
        var ct = TestContext.Current.CancellationToken;
        var url = await NewStoreAsync(ct);
        await using var a = await OpenAsync(url);
        await using var b = await OpenAsync(url);
        var batch = Enumerable.Range(0, 200).Select(i => Job($"p{i}") with { IdempotencyKey = $"k{i}" }).ToList();

        var both = await Task.WhenAll(a.EnqueueManyAsync(batch, ct), b.EnqueueManyAsync(batch, ct));

        both[0].Zip(both[1]).ShouldAllBe(pair => pair.First.JobId == pair.Second.JobId && pair.First.Created != pair.Second.Created);
        (await a.StatsAsync("mail", ct)).Ready.ShouldBe(200);
    }
}

/// <summary>What a contract test may need beyond leases, heartbeats, the fence, retries and the dead-letter list.</summary>
public enum EngineCapability
{
    /// <summary>The engine's times follow the injected clock (SQS's server keeps its own).</summary>
    FakeClock,
    Priorities,
    IdempotencyKeys,

    /// <summary>Jobs read, listed, deleted or replayed by id (GetAsync, PeekAsync, DeleteAsync, ReplayAsync with ids), finished jobs kept.</summary>
    JobLookup,
    ConcurrencyLimits,
    RateLimits,
}
