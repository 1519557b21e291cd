using System.Net;
using Microsoft.Extensions.Time.Testing;
using Slipway.Cli.Tests.Support;
using Slipway.Logs.Server;
using Slipway.Logs.Storage;
using Slipway.Queue;
using Slipway.Testing;

namespace Slipway.Cli.Tests;

/// <summary>
/// <c>queue.schedules</c> run by <c>slipway worker</c> (three workers in-process on one SQLite store and a fake clock,
/// as three hosts would run them), and <c>queue.logs</c>: failed jobs posted to a real <c>logs serve</c> server.
/// </summary>
public sealed class QueueScheduleAndLogsTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly TempDir _dir = new("slw-queue-cron-");

    public void Dispose() => _dir.Dispose();

    private string Db => _dir.File("queue.db");

    private string Config(string extra) => _dir.Write("slipway.yml", $$"""
        application: shop
        deploy_to: /srv/shop
        stages:
          production:
            hosts: [{ host: h }]
        queue:
          url: {{Db}}
          retry: { max_attempts: 2, base_delay: 50ms, max_delay: 100ms }
          worker: { poll: 50ms }
        {{extra}}
        """);

    [Fact(Timeout = 60_000)]
    public async Task Three_workers_running_the_same_schedule_push_one_job_per_tick()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = Config("""
              schedules:
                every-minute: { cron: "* * * * *", queue: reports, payload: '{"kind": "tick"}' }
            """);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 30, TimeSpan.Zero));
        var workers = Enumerable.Range(0, 3).Select(_ => InProcessWorker.Start(["worker", "other", "-f", file, "--", "true"], clock)).ToList();
        try
        {
            // Every worker runs the schedule before the clock moves or the test stops them (a worker stopped while it
            // still starts is interrupted, exit 130, which is not what this test is about).
            (await Eventually.ForAsync(() => workers.All(w => w.Live.Text.Contains("running 1 cron schedule(s)", StringComparison.Ordinal)), Patience, ct))
                .ShouldBeTrue(string.Join("\n---\n", workers.Select(w => w.Live.Text)));

            // Each starts at 12:00:30 and fires the 12:00 tick it just missed; then 12:01 and 12:02.
            for (var tick = 1; tick <= 3; tick++)
            {
                var expected = tick;
                (await Eventually.ForAsync(async () => await JobsAsync("reports") == expected, Patience, ct))
                    .ShouldBeTrue(string.Join("\n---\n", workers.Select(w => w.Live.Text)));
                if (tick < 3)
                {
                    clock.Advance(TimeSpan.FromMinutes(1));
                }
            }
        }
        finally
        {
            var results = new List<CliResult>();
            foreach (var worker in workers)
            {
                results.Add(await worker.StopAsync());
            }

            var stderr = string.Concat(results.Select(r => r.Stderr));
            results.ShouldAllBe(r => r.ExitCode == ExitCodes.Success, stderr);
            stderr.ShouldContain("running 1 cron schedule(s): every-minute (* * * * * -> reports)");
            foreach (var minute in new[] { "12:00", "12:01", "12:02" })
            {
                CountOf(stderr, $"schedule every-minute: tick 2026-03-01 {minute}Z pushed job").ShouldBe(1, stderr);
            }
        }

        (await JobsAsync("reports")).ShouldBe(3);
    }

    [Fact(Timeout = 60_000)]
    public async Task Failed_jobs_reach_the_central_logs_with_queue_job_attempt_and_output()
    {
        var ct = TestContext.Current.CancellationToken;
        var logsDb = _dir.File("logs.db");
        await using var logs = new LogServer(new LogServerOptions { Database = logsDb, Http = new IPEndPoint(IPAddress.Loopback, 0), Token = "logs-secret" });
        await logs.StartAsync(ct);
        var file = Config($$"""
              logs: { url: "{{logs.HttpAddress}}", token: logs-secret }
            """);
        (await CliRunner.RunAsync(["queue", "push", "flaky", "-f", file, "--payload", "{}"], 100, ct)).ExitCode.ShouldBe(ExitCodes.Success);

        var worker = InProcessWorker.Start(["worker", "flaky", "-f", file, "--", "sh", "-c", "echo \"cannot reach smtp on attempt $SLIPWAY_JOB_ATTEMPT\" >&2; exit 3"],
            TimeProvider.System);
        CliResult stopped;
        try
        {
            (await Eventually.ForAsync(async () => await DeadAsync("flaky") == 1, Patience, ct)).ShouldBeTrue(worker.Live.Text);
        }
        finally
        {
            stopped = await worker.StopAsync(); // sends what is left before it exits
        }

        stopped.Stderr.ShouldContain($"failed jobs go to the logs at {logs.HttpAddress}api/logs");
        await using var store = LogStoreFactory.Open(logsDb);
        var events = (await store.QueryAsync(new LogQuery { Program = "slipway-queue" }, ct)).Select(e => e.Event).OrderBy(e => e.Message, StringComparer.Ordinal).ToList();
        events.Count.ShouldBe(2, stopped.Stderr);
        events[0].Message.ShouldStartWith("job failed: queue=flaky job=1 attempt=1 (retrying at ");
        events[0].Message.ShouldEndWith("): exit code 3: cannot reach smtp on attempt 1\ncannot reach smtp on attempt 1");
        events[0].Severity.ShouldBe(4); // warning: it will be retried
        events[1].Message.ShouldBe("job failed: queue=flaky job=1 attempt=2 (dead-lettered): exit code 3: cannot reach smtp on attempt 2\ncannot reach smtp on attempt 2");
        events[1].Severity.ShouldBe(3); // err
        events[1].MsgId.ShouldBe("job-failed");
        events[1].Host.ShouldBe(Environment.MachineName);

        // The digest lists them beside the tracebacks: each queue and error, its job, and whether it was dead-lettered.
        var digest = await CliRunner.RunAsync(["logs", "digest", "--db", logsDb, "--since", "1h", "--dry-run"], 200, ct);
        digest.ExitCode.ShouldBe(ExitCodes.Success, digest.Output);
        digest.Stdout.ShouldContain("1 failing jobs,");
        digest.Stdout.ShouldContain("Top failing jobs (2 kind(s): 2 failed attempts of 1 jobs, 1 dead-lettered)");
        digest.Stdout.ShouldContain("1x  flaky: exit code 3: cannot reach smtp on attempt 2\n       job 1; 1 dead-lettered; 1 host(s), last ");
    }

    [Fact(Timeout = 30_000)]
    public async Task Schedule_and_logs_mistakes_are_config_errors_at_their_line()
    {
        var file = Config("""
              schedules:
                nightly: { cron: "0 25 * * *", queue: reports }
                bad-payload: { cron: "0 3 * * *", queue: reports, payload: "not json" }
                no-cron: { queue: reports }
                bad-tz: { cron: "0 3 * * *", tz: Mars/Olympus, queue: reports }
              logs: { url: "ftp://logs1" }
            """);

        var check = await CliRunner.RunAsync(["config", "check", "-f", file], 100, TestContext.Current.CancellationToken);

        check.ExitCode.ShouldBe(ExitCodes.UsageOrConfig, check.Output);
        check.Stderr.ShouldMatch(@":11:\d+: error: queue\.schedules\.nightly\.cron: cron hour: '25' is not a number from 0 to 23");
        check.Stderr.ShouldMatch(@":12:\d+: error: queue\.schedules\.bad-payload\.payload: must be one JSON document");
        check.Stderr.ShouldContain("error: queue.schedules.no-cron.cron: required key is missing");
        check.Stderr.ShouldMatch(@":14:\d+: error: queue\.schedules\.bad-tz\.tz: 'Mars/Olympus' is not a time zone: use an IANA name such as Europe/Paris");
        check.Stderr.ShouldContain("error: queue.logs.url: must be an http:// or https:// URL of the logs server");
    }

    [Fact(Timeout = 30_000)]
    public async Task Schedules_with_an_sqs_store_or_a_bad_queue_name_are_refused_at_their_line()
    {
        var file = _dir.Write("slipway.yml", """
            application: shop
            deploy_to: /srv/shop
            stages:
              production:
                hosts: [{ host: h }]
            queue:
              url: sqs://sqs.eu-west-1.amazonaws.com?prefix=shop-
              schedules:
                nightly: { cron: "0 3 * * *", queue: reports }
                bad-queue: { cron: "0 3 * * *", queue: "no spaces" }
            """);

        var check = await CliRunner.RunAsync(["config", "check", "-f", file], 100, TestContext.Current.CancellationToken);

        check.ExitCode.ShouldBe(ExitCodes.UsageOrConfig, check.Output);
        check.Stderr.ShouldContain(":9:5: error: queue.schedules.nightly: not with the sqs engine: cron schedules need idempotency keys");
        check.Stderr.ShouldContain(":10:5: error: queue.schedules.bad-queue.queue: 'no spaces' is not a queue name");
    }

    [Fact(Timeout = 30_000)]
    public async Task Config_show_prints_the_schedules_and_hides_the_logs_token()
    {
        var file = Config("""
              schedules:
                nightly: { cron: "0 3 * * *", queue: reports, max_attempts: 3 }
                paris: { cron: "30 2 * * *", tz: Europe/Paris, queue: reports }
              logs: { url: "http://logs1:8514", token: s3cret }
            """);

        var show = await CliRunner.RunAsync(["config", "show", "production", "-f", file], 100, TestContext.Current.CancellationToken);

        show.ExitCode.ShouldBe(ExitCodes.Success, show.Output);
        show.Stdout.ShouldContain("nightly:");
        show.Stdout.ShouldMatch(@"cron: ['""]?0 3 \* \* \*");
        show.Stdout.ShouldMatch(@"tz: ['""]?Europe/Paris");
        show.Stdout.ShouldMatch(@"tz: ['""]?UTC");
        show.Stdout.ShouldMatch(@"payload: ['""]?\{}");
        show.Stdout.ShouldMatch(@"url: ['""]?http://logs1:8514");
        show.Stdout.ShouldNotContain("s3cret");
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private Task<long> DeadAsync(string queue) => CountAsync(queue, s => s.Dead);

    private Task<long> JobsAsync(string queue) => CountAsync(queue, s => s.Ready + s.Scheduled + s.Running + s.Succeeded + s.Dead);

    // Read straight from the file: the test's own view, independent of the commands under test.
    private async Task<long> CountAsync(string queue, Func<QueueStats, long> count)
    {
        if (!File.Exists(Db))
        {
            return 0;
        }

        await using var engine = QueueEngineFactory.Open("sqlite://" + Db);
        await engine.InitializeAsync(TestContext.Current.CancellationToken);
        return count(await engine.StatsAsync(queue, TestContext.Current.CancellationToken));
    }

    /// <summary>A worker running in-process; <see cref="StopAsync"/> cancels it as Ctrl-C does and waits for its exit.</summary>
    private sealed class InProcessWorker
    {
        private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        private Task<CliResult>? _run;

        public LiveOutput Live { get; } = new();

        public static InProcessWorker Start(string[] args, TimeProvider time)
        {
            var worker = new InProcessWorker();
            worker._run = Task.Run(() => CliRunner.RunAsync(args, 200, time, worker.Live, worker._stop.Token));
            return worker;
        }

        public async Task<CliResult> StopAsync()
        {
            await _stop.CancelAsync();
            var result = await _run!;
            _stop.Dispose();
            return result;
        }
    }
}
