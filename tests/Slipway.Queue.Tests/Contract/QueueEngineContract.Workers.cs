using System.Collections.Concurrent;
using Slipway.Queue.Workers;
using Slipway.Testing;

namespace Slipway.Queue.Tests.Contract;

/// <summary>The worker loop against the engine on the real clock, with short leases.</summary>
public abstract partial class QueueEngineContract
{
    private static readonly WorkerOptions Quick = new()
    {
        // Heartbeats far more often than a third of the lease: a loaded 2-core test machine may stall a beat for a second.
        Lease = TimeSpan.FromSeconds(2),
        HeartbeatInterval = TimeSpan.FromMilliseconds(150),
        IdlePoll = TimeSpan.FromMilliseconds(50),
        StopGrace = TimeSpan.FromSeconds(10),
    };

    private sealed class RecordingHandler(Func<LeasedJob, CancellationToken, Task<JobResult>> run) : IJobHandler
    {
        public ConcurrentQueue<(long Id, int Attempt)> Runs { get; } = new();

        public Task<JobResult> HandleAsync(LeasedJob job, CancellationToken ct)
        {
            Runs.Enqueue((job.Id, job.Attempt));
            return run(job, ct);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Workers_run_every_job_once_and_record_the_results()
    {
        Needs(EngineCapability.JobLookup);
        var ct = TestContext.Current.CancellationToken;
        var url = await NewStoreAsync(ct);
        await using var engine = await OpenAsync(url, time: TimeProvider.System);
        var handler = new RecordingHandler((job, _) =>
            Task.FromResult(job.Payload == "bad" ? JobResult.Failure("bad payload", "stderr text") : JobResult.Success("ok " + job.Payload)));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var worker = new QueueWorker(engine, "mail", handler, Quick with { Concurrency = 4 }).RunAsync(stop.Token);

        var ids = (await engine.EnqueueManyAsync([.. Enumerable.Range(0, 20).Select(i => Job($"j{i}")), Job("bad")], ct))
            .Select(r => r.JobId).ToList();

        (await Eventually.ForAsync(async () => (await engine.StatsAsync("mail", ct)).Succeeded == 20, TimeSpan.FromSeconds(30), ct))
            .ShouldBeTrue();
        await stop.CancelAsync();
        await worker;
        handler.Runs.Count(r => r.Id != ids[^1]).ShouldBe(20);
        (await engine.GetAsync(ids[0], ct))!.Output.ShouldBe("ok j0");
        var bad = (await engine.GetAsync(ids[^1], ct))!;
        bad.State.ShouldBe(JobState.Ready); // waiting out its backoff
        bad.LastError.ShouldBe("bad payload");
        bad.Output.ShouldBe("stderr text");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_job_running_three_times_its_lease_runs_exactly_once_while_another_worker_polls()
    {
        Needs(EngineCapability.JobLookup);
        var ct = TestContext.Current.CancellationToken;
        var url = await NewStoreAsync(ct);
        await using var a = await OpenAsync(url, time: TimeProvider.System);
        await using var b = await OpenAsync(url, time: TimeProvider.System);
        var handler = new RecordingHandler(async (_, ct) =>
        {
            await Task.Delay(Quick.Lease * 3, ct);
            return JobResult.Success();
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var workers = Task.WhenAll(
            new QueueWorker(a, "mail", handler, Quick).RunAsync(stop.Token),
            new QueueWorker(b, "mail", handler, Quick).RunAsync(stop.Token));

        var id = (await a.EnqueueAsync(Job("long"), ct)).JobId;

        (await Eventually.ForAsync(async () => (await a.GetAsync(id, ct))!.State == JobState.Succeeded, TimeSpan.FromSeconds(30), ct))
            .ShouldBeTrue();
        await stop.CancelAsync();
        await workers;
        handler.Runs.ShouldBe([(id, 1)]);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_stopping_worker_gives_back_a_job_that_does_not_finish_in_its_grace_time()
    {
        Needs(EngineCapability.JobLookup);
        var ct = TestContext.Current.CancellationToken;
        var url = await NewStoreAsync(ct);
        await using var engine = await OpenAsync(url, time: TimeProvider.System);
        var started = new TaskCompletionSource();
        var handler = new RecordingHandler(async (_, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return JobResult.Success();
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var worker = new QueueWorker(engine, "mail", handler, Quick with { StopGrace = TimeSpan.FromMilliseconds(200) }).RunAsync(stop.Token);
        var id = (await engine.EnqueueAsync(Job("endless"), ct)).JobId;
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);

        await stop.CancelAsync();
        await worker;

        var job = (await engine.GetAsync(id, ct))!;
        job.State.ShouldBe(JobState.Ready);
        job.AttemptsUsed.ShouldBe(0);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_stopping_worker_lets_a_job_finish_within_its_grace_time()
    {
        Needs(EngineCapability.JobLookup);
        var ct = TestContext.Current.CancellationToken;
        var url = await NewStoreAsync(ct);
        await using var engine = await OpenAsync(url, time: TimeProvider.System);
        var started = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var handler = new RecordingHandler(async (_, _) =>
        {
            started.TrySetResult();
            await release.Task;
            return JobResult.Success("finished");
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var worker = new QueueWorker(engine, "mail", handler, Quick).RunAsync(stop.Token);
        var id = (await engine.EnqueueAsync(Job("x"), ct)).JobId;
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);

        await stop.CancelAsync();
        release.SetResult();
        await worker;

        (await engine.GetAsync(id, ct))!.State.ShouldBe(JobState.Succeeded);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_worker_picks_up_a_dead_workers_job_once_its_lease_runs_out()
    {
        Needs(EngineCapability.JobLookup);
        var ct = TestContext.Current.CancellationToken;
        var url = await NewStoreAsync(ct);
        await using var engine = await OpenAsync(url, time: TimeProvider.System);
        var id = (await engine.EnqueueAsync(Job("orphan"), ct)).JobId;

        // A worker leased it and died (no heartbeat, no result).
        var deadLease = TimeSpan.FromMilliseconds(600);
        var leasedAt = DateTimeOffset.UtcNow;
        (await engine.LeaseAsync("mail", 1, deadLease, ct)).Count.ShouldBe(1);
        var handler = new RecordingHandler((_, _) => Task.FromResult(JobResult.Success()));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var worker = new QueueWorker(engine, "mail", handler, Quick).RunAsync(stop.Token);

        (await Eventually.ForAsync(async () => (await engine.GetAsync(id, ct))!.State == JobState.Succeeded, TimeSpan.FromSeconds(30), ct))
            .ShouldBeTrue();
        var recoveredAfter = DateTimeOffset.UtcNow - leasedAt;
        await stop.CancelAsync();
        await worker;
        handler.Runs.ShouldBe([(id, 2)]);
        recoveredAfter.ShouldBeGreaterThanOrEqualTo(deadLease);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_handler_whose_lease_was_lost_is_cancelled_and_its_result_dropped()
    {
        Needs(EngineCapability.JobLookup);
        var ct = TestContext.Current.CancellationToken;
        var url = await NewStoreAsync(ct);
        await using var engine = await OpenAsync(url, time: TimeProvider.System);
        var started = new TaskCompletionSource();
        var cancelled = new TaskCompletionSource();
        var handler = new RecordingHandler(async (_, token) =>
        {
            started.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, token);
            }
            catch (OperationCanceledException)
            {
                cancelled.TrySetResult();
            }

            return JobResult.Success();
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var worker = new QueueWorker(engine, "mail", handler, Quick).RunAsync(stop.Token);
        var id = (await engine.EnqueueAsync(Job("x"), ct)).JobId;
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);

        // An operator deletes the running job: the next heartbeat finds the lease gone.
        (await engine.DeleteAsync("mail", [id], ct)).ShouldBe(1);

        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
        await stop.CancelAsync();
        await worker;
        (await engine.GetAsync(id, ct)).ShouldBeNull();
    }
}
