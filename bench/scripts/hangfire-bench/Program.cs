using System.Diagnostics;
using System.Globalization;
using Hangfire;
using Hangfire.PostgreSql;
using Slipway.Queue.Bench;

// Hangfire on PostgreSQL, driven as queue_bench.py drives Slipway: push N no-op jobs (one Enqueue each: Hangfire has
// no bulk enqueue outside Hangfire Pro's batches), then start a server with WORKERS workers and time until all N are
// done; then enqueue-to-start latency on the idle server. Prints two lines of space-separated figures for the script:
//   push_per_s all_done_s steady_per_s cpu_s
//   each enqueue-to-start latency in ms, sorted
// Configuration: Hangfire's recommended serializer settings and compatibility level 1.8; Hangfire.PostgreSql with
// its LISTEN/NOTIFY long polling (its documented way to pick up new jobs at once) and a 50 ms poll interval as the
// fallback (its default is 15 s, which would only hurt the latency figure); jobs counted in process.
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: hangfire-bench CONNECTION_STRING N WORKERS LATENCY_JOBS");
    return 2;
}

var connection = args[0];
var n = int.Parse(args[1], CultureInfo.InvariantCulture);
var workers = int.Parse(args[2], CultureInfo.InvariantCulture);
var latencyJobs = int.Parse(args[3], CultureInfo.InvariantCulture);

GlobalConfiguration.Configuration
    .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
    .UseSimpleAssemblyNameTypeSerializer()
    .UseRecommendedSerializerSettings()
    .UsePostgreSqlStorage(o => o.UseNpgsqlConnection(connection), new PostgreSqlStorageOptions
    {
        QueuePollInterval = TimeSpan.FromMilliseconds(50),
        EnableLongPolling = true,
        PrepareSchemaIfNecessary = true,
    });

// Warm-up outside the timing: the JIT, the schema, the connection pool, on both the client and the server side.
await RunUntilDoneAsync(200, workers, () => { for (var i = 0; i < 200; i++) { BackgroundJob.Enqueue(() => Jobs.Noop()); } });
Jobs.Reset();

var clock = Stopwatch.StartNew();
for (var i = 0; i < n; i++)
{
    BackgroundJob.Enqueue(() => Jobs.Noop());
}

var pushPerSecond = n / clock.Elapsed.TotalSeconds;
var (allDone, steady, cpu) = await RunUntilDoneAsync(n, workers, () => { });

// Enqueue-to-start on an idle server: each job alone, 20 ms apart, the job stamps when it started.
var latencies = new List<double>();
using (new BackgroundJobServer(new BackgroundJobServerOptions { WorkerCount = workers }))
{
    await Task.Delay(1000); // the server's workers reach their wait before the first job
    for (var i = 0; i < latencyJobs; i++)
    {
        await Task.Delay(20);
        var sent = Stopwatch.GetTimestamp();
        BackgroundJob.Enqueue(() => Jobs.Stamp(sent));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Jobs.Stamps.Count <= i && DateTime.UtcNow < deadline)
        {
            await Task.Delay(1);
        }
    }

    latencies.AddRange(Jobs.Stamps.Select(ticks => ticks * 1000.0 / Stopwatch.Frequency));
}

latencies.Sort();
Console.WriteLine(string.Join(' ', new[] { pushPerSecond, allDone, steady, cpu }.Select(x => x.ToString("0.###", CultureInfo.InvariantCulture))));
Console.WriteLine(string.Join(' ', latencies.Select(x => x.ToString("0.###", CultureInfo.InvariantCulture))));
return 0;

static async Task<(double AllDone, double Steady, double Cpu)> RunUntilDoneAsync(int n, int workers, Action push)
{
    push();
    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    TimeSpan? tenthAt = null;
    var tenthCount = 0L;
    using (new BackgroundJobServer(new BackgroundJobServerOptions { WorkerCount = workers }))
    {
        while (Jobs.Done < n)
        {
            if (tenthAt is null && Jobs.Done >= n / 10)
            {
                (tenthAt, tenthCount) = (clock.Elapsed, Jobs.Done);
            }

            if (clock.Elapsed > TimeSpan.FromMinutes(60))
            {
                throw new TimeoutException($"{Jobs.Done} of {n} done after 60 minutes");
            }

            await Task.Delay(20);
        }
    }

    var all = clock.Elapsed.TotalSeconds;
    var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
    var steady = (n - tenthCount) / Math.Max(all - (tenthAt ?? TimeSpan.Zero).TotalSeconds, 1e-3);
    return (all, steady, cpu);
}
