using System.Collections.Concurrent;
using Slipway.Core;
using Slipway.Queue.Workers;
using Slipway.Testing;

namespace Slipway.Queue.Tests.Contract;

/// <summary>
/// The contract on SQS: a private fauxqs on loopback, a queue-name prefix per test. SQS keeps time on its server and
/// has no reads by id, so the contract tests that need the fake clock or a job looked up by id are skipped with the
/// reason, and the tests below cover the same semantics on the real clock, observed through leases and counts:
/// redelivery after a lease runs out, the fence after a takeover, heartbeats past the lease, the dead-letter list and
/// replay, delays, and the refusals of what SQS cannot do.
/// </summary>
public sealed class SqsEngineTests(SqsFixture sqs) : QueueEngineContract, IClassFixture<SqsFixture>
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);
    private static readonly string[] Abc = ["a", "b", "c"];

    protected override Task<string> NewStoreAsync(CancellationToken ct) => sqs.NewStoreAsync(ct);

    protected override string? Lacks(EngineCapability capability) => capability switch
    {
        EngineCapability.FakeClock => "SQS runs visibility and delays on its server's clock; SqsEngineTests covers this on the real clock",
        EngineCapability.Priorities => "SQS has no priorities; SqsEngineTests asserts the refusal",
        EngineCapability.IdempotencyKeys => "SQS keeps idempotency keys only on FIFO queues and only for 5 minutes; SqsEngineTests covers both",
        EngineCapability.JobLookup => "SQS reads by id and lists only the dead-letter list, and keeps no finished job; SqsEngineTests covers the dead-letter list",
        EngineCapability.ConcurrencyLimits => "SQS cannot cap concurrency across hosts; SqsEngineTests asserts the refusal",
        EngineCapability.RateLimits => "SQS keeps no shared state to pace leases across hosts; SqsEngineTests asserts the refusal",
        _ => null,
    };

    private Task<IQueueEngine> RealClockEngineAsync(string url, QueueEngineOptions? options = null) =>
        OpenAsync(url, options, TimeProvider.System);

    private static Task<LeasedJob> EventuallyLeaseAsync(IQueueEngine engine, TimeSpan lease, CancellationToken ct) =>
        EventuallyLeaseAsync(engine, "mail", lease, ct);

    private static async Task<LeasedJob> EventuallyLeaseAsync(IQueueEngine engine, string queue, TimeSpan lease, CancellationToken ct)
    {
        LeasedJob? got = null;
        (await Eventually.ForAsync(async () =>
        {
            got = (await engine.LeaseAsync(queue, 1, lease, ct)).SingleOrDefault();
            return got is not null;
        }, TimeSpan.FromSeconds(20), ct)).ShouldBeTrue();
        return got!;
    }

    [Fact]
    public void The_emulator_listens_on_loopback_only()
    {
        var server = sqs.Server;
        if (server is null)
        {
            Requires.Check(false, "fauxqs is not installed. Fix: bash scripts/deps/queue.sh", Environment.GetEnvironmentVariable("CI"));
            return;
        }

        // 0100007F is 127.0.0.1 as /proc/net/tcp writes it; no 00000000 (0.0.0.0) or :: listener.
        server.ListeningAddresses().ShouldBe(["0100007F"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_dead_workers_job_comes_back_after_its_visibility_as_the_next_attempt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await RealClockEngineAsync(await NewStoreAsync(ct));
        var queued = await engine.EnqueueAsync(Job("x"), ct);
        var first = await LeaseOneAsync(engine);
        var leasedAt = DateTimeOffset.UtcNow;

        // A worker that dies right after the lease (no heartbeat) holds it for its lease, then the next lease gets it.
        (await engine.HeartbeatAsync([first.Lease], OneSecond, ct)).ShouldBe([first.Lease]);
        (await engine.LeaseAsync("mail", 1, Lease, ct)).ShouldBeEmpty();
        var second = await EventuallyLeaseAsync(engine, Lease, ct);

        (DateTimeOffset.UtcNow - leasedAt).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900));
        second.Id.ShouldBe(queued.JobId);
        second.Attempt.ShouldBe(2);
        second.AttemptsUsed.ShouldBe(2);
    }

    [Fact(Timeout = 60_000)]
    public async Task After_a_takeover_the_old_attempt_is_refused_everywhere_and_the_new_one_completes()
    {
        var ct = TestContext.Current.CancellationToken;
        var url = await NewStoreAsync(ct);
        await using var slowHost = await RealClockEngineAsync(url);
        await using var rescuer = await RealClockEngineAsync(url);
        await slowHost.EnqueueAsync(Job("x"), ct);
        var slow = (await slowHost.LeaseAsync("mail", 1, OneSecond, ct)).Single();

        var taken = await EventuallyLeaseAsync(rescuer, Lease, ct);

        taken.Attempt.ShouldBe(2);
        (await slowHost.CompleteAsync(slow.Lease, "late", ct)).ShouldBeFalse();
        (await slowHost.HeartbeatAsync([slow.Lease], Lease, ct)).ShouldBeEmpty();
        (await slowHost.FailAsync(slow.Lease, new JobFailure("late"), ct)).Outcome.ShouldBe(FailOutcome.Refused);
        (await slowHost.GiveBackAsync(slow.Lease, ct)).ShouldBeFalse();
        (await rescuer.CompleteAsync(taken.Lease, "done", ct)).ShouldBeTrue();
        (await rescuer.StatsAsync("mail", ct)).ShouldBe(new QueueStats("mail", 0, 0, 0, 0, 0, null));
    }

    [Fact(Timeout = 60_000)]
    public async Task Heartbeats_keep_a_job_three_times_its_lease_from_everyone_else()
    {
        var ct = TestContext.Current.CancellationToken;
        var url = await NewStoreAsync(ct);
        await using var engine = await RealClockEngineAsync(url);
        await using var other = await RealClockEngineAsync(url);
        await engine.EnqueueAsync(Job("long"), ct);
        var job = (await engine.LeaseAsync("mail", 1, OneSecond, ct)).Single();
        var until = DateTimeOffset.UtcNow + (OneSecond * 3);

        while (DateTimeOffset.UtcNow < until)
        {
            (await engine.HeartbeatAsync([job.Lease], OneSecond, ct)).ShouldBe([job.Lease]);
            (await other.LeaseAsync("mail", 1, Lease, ct)).ShouldBeEmpty();
            await Task.Delay(TimeSpan.FromMilliseconds(250), ct); // a heartbeat interval, well inside the lease
        }

        (await engine.CompleteAsync(job.Lease, null, ct)).ShouldBeTrue();
        (await other.StatsAsync("mail", ct)).ShouldBe(new QueueStats("mail", 0, 0, 0, 0, 0, null));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_failure_retries_after_its_backoff_then_dead_letters_and_replay_brings_it_back()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new QueueEngineOptions { Retry = new RetryPolicy { MaxAttempts = 2, BaseDelay = OneSecond }, JitterSource = () => 0 };
        await using var engine = await RealClockEngineAsync(await NewStoreAsync(ct), options);
        var queued = await engine.EnqueueAsync(Job("x"), ct);

        var job = await LeaseOneAsync(engine);
        var failedAt = DateTimeOffset.UtcNow;
        (await engine.FailAsync(job.Lease, new JobFailure("smtp down"), ct)).Outcome.ShouldBe(FailOutcome.Retrying);
        (await engine.LeaseAsync("mail", 1, Lease, ct)).ShouldBeEmpty();
        job = await EventuallyLeaseAsync(engine, Lease, ct);
        (DateTimeOffset.UtcNow - failedAt).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900));
        job.Id.ShouldBe(queued.JobId);
        job.AttemptsUsed.ShouldBe(2);

        (await engine.FailAsync(job.Lease, new JobFailure("exit code 1", "Traceback ..."), ct)).Outcome.ShouldBe(FailOutcome.Dead);
        (await engine.StatsAsync("mail", ct)).ShouldBe(new QueueStats("mail", 0, 0, 0, 0, 1, null));

        (await engine.ReplayAsync("mail", null, ct)).ShouldBe(1);
        var replayed = await LeaseOneAsync(engine);
        replayed.Id.ShouldBe(queued.JobId);
        replayed.AttemptsUsed.ShouldBe(1);
        replayed.Attempt.ShouldBe(3);
        (await engine.StatsAsync("mail", ct)).Dead.ShouldBe(0);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_visibility_that_runs_out_on_the_last_attempt_dead_letters_the_job()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await RealClockEngineAsync(await NewStoreAsync(ct), new QueueEngineOptions { Retry = new RetryPolicy { MaxAttempts = 1 } });
        await engine.EnqueueAsync(Job("x"), ct);
        var job = (await engine.LeaseAsync("mail", 1, OneSecond, ct)).Single();

        (await Eventually.ForAsync(async () =>
        {
            (await engine.LeaseAsync("mail", 1, Lease, ct)).ShouldBeEmpty();
            return (await engine.StatsAsync("mail", ct)).Dead == 1;
        }, TimeSpan.FromSeconds(20), ct)).ShouldBeTrue();
        (await engine.CompleteAsync(job.Lease, null, ct)).ShouldBeFalse();
    }

    [Fact(Timeout = 60_000)]
    public async Task A_delayed_job_waits_for_its_time()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await RealClockEngineAsync(await NewStoreAsync(ct));
        var pushedAt = DateTimeOffset.UtcNow;
        await engine.EnqueueAsync(Job("later") with { Delay = TimeSpan.FromSeconds(2) }, ct);

        (await engine.StatsAsync("mail", ct)).Scheduled.ShouldBe(1);
        (await engine.LeaseAsync("mail", 1, Lease, ct)).ShouldBeEmpty();
        (await EventuallyLeaseAsync(engine, Lease, ct)).Payload.ShouldBe("later");
        (DateTimeOffset.UtcNow - pushedAt).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(1900));
    }

    [Fact(Timeout = 60_000)]
    public async Task Workers_run_every_job_once_with_a_job_three_times_its_lease_and_a_failing_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var url = await NewStoreAsync(ct);
        await using var a = await RealClockEngineAsync(url);
        await using var b = await RealClockEngineAsync(url);
        var runs = new ConcurrentQueue<(long Id, int Attempt)>();
        var handler = new DelegateHandler(async (job, token) =>
        {
            runs.Enqueue((job.Id, job.Attempt));
            if (job.Payload == "long")
            {
                await Task.Delay(TimeSpan.FromSeconds(3), token); // three leases of a second each
            }

            return job.Payload == "bad" ? JobResult.Failure("bad payload") : JobResult.Success();
        });
        var options = new WorkerOptions
        {
            Lease = OneSecond,
            HeartbeatInterval = TimeSpan.FromMilliseconds(150),
            IdlePoll = TimeSpan.FromMilliseconds(50),
            Concurrency = 4,
        };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var workers = Task.WhenAll(
            new QueueWorker(a, "mail", handler, options).RunAsync(stop.Token),
            new QueueWorker(b, "mail", handler, options).RunAsync(stop.Token));

        var results = await a.EnqueueManyAsync([Job("long"), .. Enumerable.Range(0, 20).Select(i => Job($"j{i}")), Job("bad")], ct);

        // Done: nothing waiting, nothing running but the failed job waiting out its backoff (SQS counts it as not visible).
        (await Eventually.ForAsync(async () =>
            runs.Count(r => r.Id != results[^1].JobId) >= 21 && await a.StatsAsync("mail", ct) is { Ready: 0, Running: <= 1 },
            TimeSpan.FromSeconds(30), ct)).ShouldBeTrue();
        await stop.CancelAsync();
        await workers;
        runs.Where(r => r.Id != results[^1].JobId).Select(r => r.Id).Order().ShouldBe(results.SkipLast(1).Select(r => r.JobId).Order());
        runs.ShouldContain((results[0].JobId, 1));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_stopping_worker_gives_back_its_job_without_spending_the_attempt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await RealClockEngineAsync(await NewStoreAsync(ct));
        var started = new TaskCompletionSource();
        var handler = new DelegateHandler(async (_, token) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, token);
            return JobResult.Success();
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var worker = new QueueWorker(engine, "mail", handler,
            new WorkerOptions { Lease = TimeSpan.FromSeconds(5), IdlePoll = TimeSpan.FromMilliseconds(50), StopGrace = TimeSpan.FromMilliseconds(200) })
            .RunAsync(stop.Token);
        await engine.EnqueueAsync(Job("endless"), ct);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);

        await stop.CancelAsync();
        await worker;

        var again = await LeaseOneAsync(engine); // visible at once, not after the 5 s lease
        again.AttemptsUsed.ShouldBe(1);
        again.Attempt.ShouldBe(2);
    }

    [Fact(Timeout = 60_000)]
    public async Task What_SQS_cannot_do_is_refused_with_the_reason()
    {
        var ct = TestContext.Current.CancellationToken;
        var url = await NewStoreAsync(ct);
        await using var engine = await OpenAsync(url);

        (await Should.ThrowAsync<QueueException>(() => engine.EnqueueAsync(Job("x") with { Priority = 5 }, ct)))
            .Message.ShouldStartWith("The sqs engine has no priorities");
        (await Should.ThrowAsync<QueueException>(() => engine.EnqueueManyAsync([Job("a"), Job("b") with { IdempotencyKey = "k" }], ct)))
            .Message.ShouldStartWith("The sqs engine has idempotency keys only on FIFO queues");
        (await engine.StatsAsync("mail", ct)).Ready.ShouldBe(0); // a refused batch adds nothing
        (await Should.ThrowAsync<QueueException>(() => engine.EnqueueAsync(Job("x", "orders.fifo") with { Delay = TimeSpan.FromSeconds(5) }, ct)))
            .Message.ShouldStartWith("The sqs engine cannot delay a job in the FIFO queue 'orders.fifo'");
        (await Should.ThrowAsync<QueueException>(() => engine.PeekAsync(new JobQuery("mail"), ct))).Message.ShouldStartWith("The sqs engine lists only the dead-letter list");
        (await Should.ThrowAsync<QueueException>(() => engine.PeekAsync(new JobQuery("mail") { State = JobState.Ready, OnlyRetrying = true }, ct)))
            .Message.ShouldStartWith("The sqs engine lists only the dead-letter list");
        (await engine.GetAsync(1, ct)).ShouldBeNull(); // only dead jobs are found by id
        (await engine.DeleteAsync("mail", [1], ct)).ShouldBe(0);
        Should.Throw<QueueException>(() => QueueEngineFactory.Open(url, new QueueEngineOptions { ConcurrencyLimits = new Dictionary<string, int> { ["mail"] = 2 } }))
            .Message.ShouldStartWith("The sqs engine cannot cap how many jobs run at once");
        Should.Throw<QueueException>(() => QueueEngineFactory.Open(url, new QueueEngineOptions { RateLimits = new Dictionary<string, Rate> { ["mail"] = new(10, OneSecond) } }))
            .Message.ShouldStartWith("The sqs engine cannot limit how many jobs start per period across hosts (queue.rates names mail)");
    }

    [Fact(Timeout = 60_000)]
    public async Task Queue_names_with_dots_and_colons_map_onto_SQS_names_and_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await NewEngineAsync();
        await engine.EnqueueAsync(Job("a", "mail.high"), ct);
        await engine.EnqueueAsync(Job("b", "app:reports_2"), ct);

        (await engine.StatsAsync(ct)).Select(s => (s.Queue, s.Ready)).ShouldBe([("app:reports_2", 1L), ("mail.high", 1L)]);
        (await engine.LeaseAsync("mail.high", 5, Lease, ct)).Select(j => j.Payload).ShouldBe(["a"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_server_that_does_not_answer_is_reported_as_unavailable_at_initialize()
    {
        var port = FreePorts.Tcp(); // nothing listens there
        await using var engine = QueueEngineFactory.Open($"sqs+http://test:test@127.0.0.1:{port}?region=us-east-1");

        var error = await Should.ThrowAsync<QueueUnavailableException>(() => engine.InitializeAsync(TestContext.Current.CancellationToken));

        error.Message.ShouldStartWith($"SQS at http://127.0.0.1:{port} cannot be reached");
    }

    [Fact(Timeout = 60_000)]
    public async Task The_dead_letter_list_is_read_again_and_again_and_jobs_in_it_are_retried_or_deleted_by_id()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await RealClockEngineAsync(await NewStoreAsync(ct), new QueueEngineOptions { Retry = new RetryPolicy { MaxAttempts = 1 } });
        var ids = (await engine.EnqueueManyAsync([Job("a"), Job("b"), Job("c")], ct)).Select(r => r.JobId).Order().ToList();
        var leased = new List<LeasedJob>();
        while (leased.Count < 3)
        {
            leased.AddRange(await engine.LeaseAsync("mail", 3 - leased.Count, Lease, ct));
        }

        foreach (var job in leased)
        {
            (await engine.FailAsync(job.Lease, new JobFailure($"bad {job.Payload}", $"output of {job.Payload}"), ct)).Outcome.ShouldBe(FailOutcome.Dead);
        }

        var dead = new JobQuery("mail") { State = JobState.Dead, Limit = 10 };
        var listed = await engine.PeekAsync(dead, ct);
        listed.Select(j => j.Id).ShouldBe(ids);
        listed.Select(j => (j.Payload, j.LastError, j.Output, j.State, j.AttemptsUsed, j.MaxAttempts)).ShouldBe(
            Abc.Select(p => (p, (string?)$"bad {p}", (string?)$"output of {p}", JobState.Dead, 1, 1)));

        // A read leaves every message visible: the next read, at once, sees them all again, and a page starts after an id.
        (await engine.PeekAsync(dead, ct)).Count.ShouldBe(3);
        (await engine.PeekAsync(dead with { AfterId = ids[0], Limit = 1 }, ct)).Select(j => j.Id).ShouldBe([ids[1]]);
        (await engine.GetAsync(ids[1], ct))!.Queue.ShouldBe("mail");
        (await engine.StatsAsync("mail", ct)).Dead.ShouldBe(3);

        (await engine.ReplayAsync("mail", [ids[1]], ct)).ShouldBe(1);
        var replayed = await LeaseOneAsync(engine);
        (replayed.Id, replayed.Payload, replayed.AttemptsUsed).ShouldBe((ids[1], "b", 1));
        (await engine.DeleteAsync("mail", [ids[0], 987654321], ct)).ShouldBe(1);
        (await engine.PeekAsync(dead, ct)).Select(j => j.Id).ShouldBe([ids[2]]);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_fifo_queue_hands_jobs_out_in_push_order_one_at_a_time_and_drops_a_repeated_key()
    {
        var ct = TestContext.Current.CancellationToken;
        // A backoff of 3 s: long enough that the lease right after the failure comes before it on a loaded machine.
        var options = new QueueEngineOptions { Retry = new RetryPolicy { MaxAttempts = 3, BaseDelay = TimeSpan.FromSeconds(3) }, JitterSource = () => 0 };
        await using var engine = await RealClockEngineAsync(await NewStoreAsync(ct), options);
        await engine.EnqueueAsync(Job("1", "orders.fifo") with { IdempotencyKey = "order-1" }, ct);
        await engine.EnqueueManyAsync([Job("2", "orders.fifo"), Job("3", "orders.fifo"), Job("4", "orders.fifo")], ct);
        await engine.EnqueueAsync(Job("1 again", "orders.fifo") with { IdempotencyKey = "order-1" }, ct); // within SQS's 5 minutes
        (await engine.StatsAsync(ct)).Select(s => (s.Queue, s.Ready)).ShouldBe([("orders.fifo", 4L)]);

        // The group is held while a job is out: the next one waits, also while a failed job waits out its backoff.
        var first = (await engine.LeaseAsync("orders.fifo", 5, Lease, ct)).ShouldHaveSingleItem();
        first.Payload.ShouldBe("1");
        (await engine.LeaseAsync("orders.fifo", 5, Lease, ct)).ShouldBeEmpty();
        (await engine.FailAsync(first.Lease, new JobFailure("later"), ct)).Outcome.ShouldBe(FailOutcome.Retrying);
        (await engine.LeaseAsync("orders.fifo", 5, Lease, ct)).ShouldBeEmpty();
        var again = await EventuallyLeaseAsync(engine, "orders.fifo", Lease, ct);
        (again.Payload, again.AttemptsUsed).ShouldBe(("1", 2));
        (await engine.CompleteAsync(again.Lease, null, ct)).ShouldBeTrue();

        var order = new List<string>();
        while (order.Count < 3)
        {
            var job = (await engine.LeaseAsync("orders.fifo", 5, Lease, ct)).ShouldHaveSingleItem();
            order.Add(job.Payload);
            (await engine.CompleteAsync(job.Lease, null, ct)).ShouldBeTrue();
        }

        order.ShouldBe(["2", "3", "4"]);
        (await engine.LeaseAsync("orders.fifo", 5, Lease, ct)).ShouldBeEmpty(); // "1 again" was a duplicate
    }

    [Fact(Timeout = 60_000)]
    public async Task A_fifo_queues_dead_jobs_are_listed_and_replayed_to_the_end_of_the_queue()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await RealClockEngineAsync(await NewStoreAsync(ct), new QueueEngineOptions { Retry = new RetryPolicy { MaxAttempts = 1 } });
        await engine.EnqueueManyAsync([Job("a", "orders.fifo"), Job("b", "orders.fifo")], ct);
        var a = (await engine.LeaseAsync("orders.fifo", 1, Lease, ct)).Single();
        (await engine.FailAsync(a.Lease, new JobFailure("bad a"), ct)).Outcome.ShouldBe(FailOutcome.Dead);

        (await engine.PeekAsync(new JobQuery("orders.fifo") { State = JobState.Dead }, ct)).ShouldHaveSingleItem().LastError.ShouldBe("bad a");
        (await engine.ReplayAsync("orders.fifo", [a.Id], ct)).ShouldBe(1);

        var b = (await engine.LeaseAsync("orders.fifo", 1, Lease, ct)).Single();
        b.Payload.ShouldBe("b");
        (await engine.CompleteAsync(b.Lease, null, ct)).ShouldBeTrue();
        var replayed = (await engine.LeaseAsync("orders.fifo", 1, Lease, ct)).Single();
        (replayed.Id, replayed.AttemptsUsed).ShouldBe((a.Id, 1));
    }

    private sealed class DelegateHandler(Func<LeasedJob, CancellationToken, Task<JobResult>> run) : IJobHandler
    {
        public Task<JobResult> HandleAsync(LeasedJob job, CancellationToken ct) => run(job, ct);
    }
}
