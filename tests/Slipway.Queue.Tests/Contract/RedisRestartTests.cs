using System.Collections.Concurrent;
using Slipway.Queue.Workers;
using Slipway.Testing;

namespace Slipway.Queue.Tests.Contract;

/// <summary>
/// Redis killed (SIGKILL) and started again under running workers. With the append-only file synced on every write
/// (appendfsync always, what docs/queue.md asks for) no job is lost: every job still succeeds, some perhaps twice
/// (at-least-once: a completion sent while Redis was down is retried as a new attempt once its lease runs out).
/// </summary>
public sealed class RedisRestartTests
{
    private static readonly WorkerOptions Workers = new()
    {
        Concurrency = 4,
        Lease = TimeSpan.FromSeconds(2),
        HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        IdlePoll = TimeSpan.FromMilliseconds(100),
        StopGrace = TimeSpan.FromSeconds(10),
    };

    private sealed class CountingHandler : IJobHandler
    {
        public ConcurrentDictionary<long, int> Runs { get; } = new();

        public async Task<JobResult> HandleAsync(LeasedJob job, CancellationToken ct)
        {
            Runs.AddOrUpdate(job.Id, 1, static (_, n) => n + 1);
            await Task.Delay(TimeSpan.FromMilliseconds(30), ct);
            return JobResult.Success();
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Jobs_enqueued_before_a_redis_kill_all_succeed_after_its_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await RedisServer.StartAsync(durable: true, ct);
        var url = server.Url("restart");
        await using var engine = QueueEngineFactory.Open(url);
        await engine.InitializeAsync(ct);
        var ids = (await engine.EnqueueManyAsync([.. Enumerable.Range(0, 300).Select(i => new NewJob("mail", $"j{i}"))], ct))
            .Select(r => r.JobId).ToList();
        var handler = new CountingHandler();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var workers = Task.WhenAll(
            new QueueWorker(engine, "mail", handler, Workers).RunAsync(stop.Token),
            new QueueWorker(engine, "mail", handler, Workers).RunAsync(stop.Token));

        // Mid-run: some jobs done, most still waiting or running.
        (await Eventually.ForAsync(() => handler.Runs.Count >= 40, TimeSpan.FromSeconds(30), ct)).ShouldBeTrue();
        await server.KillAndRestartAsync(ct);
        var ranBeforeRestart = handler.Runs.Count;

        var done = await Eventually.ForAsync(async () =>
        {
            try
            {
                return (await engine.StatsAsync("mail", ct)).Succeeded == ids.Count;
            }
            catch (QueueUnavailableException)
            {
                return false; // still reconnecting
            }
        }, TimeSpan.FromSeconds(60), ct);
        await stop.CancelAsync();
        await workers;

        done.ShouldBeTrue();
        var stats = await engine.StatsAsync("mail", ct);
        stats.ShouldBe(new QueueStats("mail", 0, 0, 0, ids.Count, 0, null));
        ids.ShouldAllBe(id => handler.Runs.ContainsKey(id));
        ranBeforeRestart.ShouldBeLessThan(ids.Count / 2); // the restart really was mid-run
    }
}
