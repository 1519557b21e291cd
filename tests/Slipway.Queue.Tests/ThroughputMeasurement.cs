using System.Diagnostics;
using Slipway.Queue.Workers;
using Slipway.Testing;

namespace Slipway.Queue.Tests;

/// <summary>
/// Not a timed test (it asserts nothing about speed): an explicit run that prints the embedded engine's throughput.
/// dotnet test --project tests/Slipway.Queue.Tests -c Release (see docs/queue.md for the command line)
/// </summary>
public sealed class ThroughputMeasurement
{
    private sealed class NoOp(int expected) : IJobHandler
    {
        private int _runs;

        public TaskCompletionSource AllRan { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<JobResult> HandleAsync(LeasedJob job, CancellationToken ct)
        {
            if (Interlocked.Increment(ref _runs) == expected)
            {
                AllRan.TrySetResult();
            }

            return Task.FromResult(JobResult.Success());
        }
    }

    [Fact(Explicit = true, Timeout = 600_000)]
    public async Task Embedded_engine_jobs_per_second()
    {
        using var dir = new TempDir("slipway-queue-bench-");
        await MeasureAsync("sqlite://" + dir.File("queue.db"), TestContext.Current.CancellationToken);
    }

    [Fact(Explicit = true, Timeout = 600_000)]
    public async Task Postgres_engine_jobs_per_second()
    {
        await using var postgres = new Contract.PostgresFixture();
        await postgres.InitializeAsync();
        await MeasureAsync(await postgres.NewDatabaseAsync(TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
    }

    [Fact(Explicit = true, Timeout = 600_000)]
    public async Task Redis_engine_jobs_per_second()
    {
        await using var redis = new Contract.RedisFixture();
        await redis.InitializeAsync();
        await MeasureAsync(await redis.NewStoreAsync(TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
    }

    private static async Task MeasureAsync(string url, CancellationToken ct)
    {
        const int Jobs = 20_000;
        const int Batch = 1_000;
        await using var engine = QueueEngineFactory.Open(url);
        await engine.InitializeAsync(ct);

        var enqueue = Stopwatch.StartNew();
        for (var i = 0; i < Jobs; i += Batch)
        {
            await engine.EnqueueManyAsync([.. Enumerable.Range(i, Batch).Select(n => new NewJob("bench", $$"""{"n":{{n}}}"""))], ct);
        }

        enqueue.Stop();
        var process = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var handler = new NoOp(Jobs);
        var worker = new QueueWorker(engine, "bench", handler, new WorkerOptions { Concurrency = 64 }).RunAsync(stop.Token);

        // Counted by the handler (retention keeps only the newest 10,000 successes); the stop waits for the last completions.
        await handler.AllRan.Task.WaitAsync(TimeSpan.FromMinutes(5), ct);
        await stop.CancelAsync();
        await worker;
        process.Stop();
        (await engine.StatsAsync("bench", ct)).Running.ShouldBe(0);

        TestContext.Current.SendDiagnosticMessage(
            $"{engine.Kind}: enqueued {Jobs} in batches of {Batch}: {Jobs / enqueue.Elapsed.TotalSeconds:N0} jobs/s; " +
            $"processed (lease, run, complete) with one worker of concurrency 64: {Jobs / process.Elapsed.TotalSeconds:N0} jobs/s");
        Console.WriteLine(
            $"{engine.Kind}: enqueue {Jobs / enqueue.Elapsed.TotalSeconds:N0} jobs/s, process {Jobs / process.Elapsed.TotalSeconds:N0} jobs/s");
    }
}
