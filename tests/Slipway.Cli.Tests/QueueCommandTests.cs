using System.Text.Json;
using Slipway.Cli.Tests.Support;
using Slipway.Core.Config;
using Slipway.Queue;
using Slipway.Queue.Workers;
using Slipway.Testing;

namespace Slipway.Cli.Tests;

/// <summary>
/// slipway queue … and slipway worker against real SQLite files, the worker running real processes. Workers poll every
/// 50 ms here and are stopped through the token Ctrl-C cancels, so each test takes about a second.
/// </summary>
public sealed class QueueCommandTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly TempDir _dir = new("slw-queue-");

    public QueueCommandTests()
    {
        Db = _dir.File("queue.db");
        Url = "sqlite://" + Db;
    }

    private string Db { get; }

    private string Url { get; }

    public void Dispose() => _dir.Dispose();

    [Fact(Timeout = 30_000)]
    public async Task A_pushed_job_shows_in_ls_stats_and_peek()
    {
        var ct = TestContext.Current.CancellationToken;
        var push = await RunAsync(ct, "queue", "push", "emails", "--url", Url, "--payload", "{\"to\": \"a@example.com\"}", "--priority", "3");

        push.ExitCode.ShouldBe(ExitCodes.Success, push.Output);
        push.Stdout.ShouldBe("job 1 pushed to emails\n");
        push.Stderr.ShouldBeEmpty();

        var ls = await RunAsync(ct, "queue", "ls", "--url", Url);
        ls.ExitCode.ShouldBe(ExitCodes.Success, ls.Output);
        ls.Stdout.Split('\n')[0].ShouldBe("QUEUE   READY  SCHEDULED  RUNNING  SUCCEEDED  DEAD  OLDEST");
        ls.Stdout.Split('\n')[1].ShouldStartWith("emails  1      0          0        0          0");

        var stats = await RunAsync(ct, "queue", "stats", "emails", "--url", Url);
        stats.Stdout.ShouldContain("ready:     1 (oldest waiting");
        stats.Stdout.ShouldContain("dead:      0\n");

        var peek = await RunAsync(ct, "queue", "peek", "emails", "--url", Url);
        peek.ExitCode.ShouldBe(ExitCodes.Success, peek.Output);
        peek.Stdout.ShouldContain("{\"to\": \"a@example.com\"}");
        peek.Stdout.Split('\n')[1].ShouldStartWith("1   ready  0/10      3");

        var one = await RunAsync(ct, "queue", "peek", "emails", "1", "--url", Url);
        one.Stdout.ShouldContain("payload:   {\"to\": \"a@example.com\"}\n");
        one.Stdout.ShouldContain("attempts:  0 of 10\n");
    }

    [Fact(Timeout = 30_000)]
    public async Task Json_output_shapes()
    {
        var ct = TestContext.Current.CancellationToken;
        var push = await RunAsync(ct, "queue", "push", "emails", "--url", Url, "--payload", "{\"n\": 1}", "--key", "k", "--json");
        using (var doc = JsonDocument.Parse(push.Stdout))
        {
            doc.RootElement.GetProperty("ok").GetBoolean().ShouldBeTrue();
            doc.RootElement.GetProperty("queue").GetString().ShouldBe("emails");
            doc.RootElement.GetProperty("id").GetInt64().ShouldBe(1);
            doc.RootElement.GetProperty("created").GetBoolean().ShouldBeTrue();
        }

        await RunAsync(ct, "queue", "push", "later", "--url", Url, "--payload", "{}", "--delay", "1h");

        using (var ls = JsonDocument.Parse((await RunAsync(ct, "queue", "ls", "--url", Url, "--json")).Stdout))
        {
            var queues = ls.RootElement.GetProperty("queues").EnumerateArray().ToList();
            queues.Select(q => q.GetProperty("queue").GetString()).ShouldBe(["emails", "later"]);
            queues[1].GetProperty("scheduled").GetInt64().ShouldBe(1);
            queues[1].GetProperty("ready").GetInt64().ShouldBe(0);
            queues[1].GetProperty("oldest_ready_age_ms").ValueKind.ShouldBe(JsonValueKind.Null);
            queues[0].GetProperty("oldest_ready_age_ms").ValueKind.ShouldBe(JsonValueKind.Number);
        }

        using (var stats = JsonDocument.Parse((await RunAsync(ct, "queue", "stats", "emails", "--url", Url, "--json")).Stdout))
        {
            stats.RootElement.GetProperty("stats").GetProperty("ready").GetInt64().ShouldBe(1);
        }

        var peekText = (await RunAsync(ct, "queue", "peek", "later", "--url", Url, "--json")).Stdout;
        peekText.ShouldContain("\"payload\":\"{}\"");
        using (var peek = JsonDocument.Parse(peekText))
        {
            var job = peek.RootElement.GetProperty("jobs")[0];
            job.GetProperty("state").GetString().ShouldBe("ready");
            job.GetProperty("scheduled").GetBoolean().ShouldBeTrue();
            job.GetProperty("max_attempts").GetInt32().ShouldBe(10);
            job.GetProperty("last_error").ValueKind.ShouldBe(JsonValueKind.Null);
        }

        using var purge = JsonDocument.Parse((await RunAsync(ct, "queue", "purge", "later", "--url", Url, "--json")).Stdout);
        purge.RootElement.GetProperty("action").GetString().ShouldBe("purged");
        purge.RootElement.GetProperty("count").GetInt32().ShouldBe(1);
    }

    [Fact(Timeout = 30_000)]
    public async Task An_idempotency_key_adds_the_job_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = await RunAsync(ct, "queue", "push", "reports", "--url", Url, "--payload", "{\"month\": 12}", "--key", "report-2026-12");
        var second = await RunAsync(ct, "queue", "push", "reports", "--url", Url, "--payload", "{\"month\": 12}", "--key", "report-2026-12", "--json");

        first.Stdout.ShouldBe("job 1 pushed to reports\n");
        second.ExitCode.ShouldBe(ExitCodes.Success, second.Output);
        using var doc = JsonDocument.Parse(second.Stdout);
        doc.RootElement.GetProperty("id").GetInt64().ShouldBe(1);
        doc.RootElement.GetProperty("created").GetBoolean().ShouldBeFalse();
        (await RunAsync(ct, "queue", "stats", "reports", "--url", Url)).Stdout.ShouldStartWith("queue:     reports\nready:     1 ");
    }

    [Fact(Timeout = 30_000)]
    public async Task A_worker_runs_each_job_as_a_process_with_the_payload_on_stdin()
    {
        var ct = TestContext.Current.CancellationToken;
        var outputs = _dir.File("out");
        Directory.CreateDirectory(outputs);
        await RunAsync(ct, "queue", "push", "files", "--url", Url, "--payload", "{\"name\": \"first\"}");
        await RunAsync(ct, "queue", "push", "files", "--url", Url, "--payload", "{\"name\": \"second\"}");

        await using var worker = Worker.Start(["worker", "files", "--url", Url, "--poll", "50ms", "--concurrency", "2", "--",
            "sh", "-c", $"cat > {outputs}/$SLIPWAY_JOB_ID.json"]);
        (await Eventually.ForAsync(async () => Directory.GetFiles(outputs).Length == 2 && await SucceededAsync("files") == 2, Patience, ct)).ShouldBeTrue(worker.Live.Text);

        var result = await worker.StopAsync();

        (await File.ReadAllTextAsync(Path.Combine(outputs, "1.json"), ct)).ShouldBe("{\"name\": \"first\"}");
        (await File.ReadAllTextAsync(Path.Combine(outputs, "2.json"), ct)).ShouldBe("{\"name\": \"second\"}");
        result.ExitCode.ShouldBe(ExitCodes.Success, result.Output);
        result.Stdout.ShouldBeEmpty();
        result.Stderr.ShouldContain("slipway worker: job 1 attempt 1 succeeded");
        result.Stderr.ShouldEndWith("slipway worker: stopped\n");
    }

    [Fact(Timeout = 30_000)]
    public async Task A_failing_command_is_retried_then_dead_lettered_with_its_output_and_queue_retry_brings_it_back()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = _dir.Write("slipway.yml", $$"""
            application: shop
            deploy_to: /srv/shop
            stages:
              production:
                hosts: [{ host: h }]
            queue:
              url: {{Db}}
              retry: { max_attempts: 2, base_delay: 50ms, max_delay: 100ms }
              worker: { poll: 50ms }
            """);
        await RunAsync(ct, "queue", "push", "flaky", "-f", file, "--payload", "{}");

        await using (var worker = Worker.Start(["worker", "flaky", "-f", file, "--", "sh", "-c", "echo \"cannot reach smtp on attempt $SLIPWAY_JOB_ATTEMPT\" >&2; exit 3"]))
        {
            (await Eventually.ForAsync(async () => await DeadAsync("flaky") == 1, Patience, ct)).ShouldBeTrue(worker.Live.Text);
            var stopped = await worker.StopAsync();
            stopped.Stderr.ShouldContain("job 1 attempt 1 failed (Retrying): exit code 3");
            stopped.Stderr.ShouldContain("job 1 attempt 2 failed (Dead): exit code 3: cannot reach smtp on attempt 2");
        }

        var dead = await RunAsync(ct, "queue", "peek", "flaky", "1", "-f", file);
        dead.Stdout.ShouldContain("state:     dead\n");
        dead.Stdout.ShouldContain("attempts:  2 of 2\n");
        dead.Stdout.ShouldContain("error:     exit code 3: cannot reach smtp on attempt 2\n");
        dead.Stdout.ShouldContain("output:\ncannot reach smtp on attempt 2\n");

        var retry = await RunAsync(ct, "queue", "retry", "flaky", "-f", file);

        retry.ExitCode.ShouldBe(ExitCodes.Success, retry.Output);
        retry.Stdout.ShouldBe("1 job of flaky ready again\n");
        var again = await RunAsync(ct, "queue", "peek", "flaky", "--state", "ready", "-f", file, "--json");
        using var doc = JsonDocument.Parse(again.Stdout);
        var job = doc.RootElement.GetProperty("jobs").EnumerateArray().Single();
        job.GetProperty("id").GetInt64().ShouldBe(1);
        job.GetProperty("attempts_used").GetInt32().ShouldBe(0);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_job_longer_than_its_lease_runs_once_while_two_workers_wait()
    {
        var ct = TestContext.Current.CancellationToken;
        var runs = _dir.File("runs.txt");
        await RunAsync(ct, "queue", "push", "slow", "--url", Url, "--payload", "{}");
        string[] command = ["--", "sh", "-c", $"echo run >> {runs}; sleep 2"];

        await using var one = Worker.Start(["worker", "slow", "--url", Url, "--lease", "600ms", "--poll", "50ms", .. command]);
        await using var two = Worker.Start(["worker", "slow", "--url", Url, "--lease", "600ms", "--poll", "50ms", .. command]);
        (await Eventually.ForAsync(async () => await SucceededAsync("slow") == 1, Patience, ct)).ShouldBeTrue(one.Live.Text + two.Live.Text);

        (await File.ReadAllLinesAsync(runs, ct)).ShouldBe(["run"], "heartbeats kept the 2 s job leased past its 600 ms lease: no second worker took it");
        (await one.StopAsync()).ExitCode.ShouldBe(ExitCodes.Success);
        (await two.StopAsync()).ExitCode.ShouldBe(ExitCodes.Success);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_stop_lets_the_running_job_finish()
    {
        var ct = TestContext.Current.CancellationToken;
        var started = _dir.File("started");
        await RunAsync(ct, "queue", "push", "slow", "--url", Url, "--payload", "{}");

        await using var worker = Worker.Start(["worker", "slow", "--url", Url, "--poll", "50ms", "--", "sh", "-c", $"touch {started}; sleep 1"]);
        (await Eventually.ForAsync(() => File.Exists(started), Patience, ct)).ShouldBeTrue(worker.Live.Text);
        var result = await worker.StopAsync();

        result.ExitCode.ShouldBe(ExitCodes.Success, result.Output);
        result.Stderr.ShouldContain("stopping: running jobs get 30s to finish");
        (await SucceededAsync("slow")).ShouldBe(1, result.Output);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_job_still_running_after_the_grace_time_is_killed_and_goes_back_without_spending_an_attempt()
    {
        var ct = TestContext.Current.CancellationToken;
        var started = _dir.File("started");
        await RunAsync(ct, "queue", "push", "slow", "--url", Url, "--payload", "{}");

        await using var worker = Worker.Start(["worker", "slow", "--url", Url, "--poll", "50ms", "--stop-grace", "200ms", "--",
            "sh", "-c", $"touch {started}; sleep 30"]);
        (await Eventually.ForAsync(() => File.Exists(started), Patience, ct)).ShouldBeTrue(worker.Live.Text);
        var result = await worker.StopAsync();

        result.ExitCode.ShouldBe(ExitCodes.Success, result.Output);
        result.Stderr.ShouldContain("job 1 attempt 1 given back (worker stopping)");
        var peek = await RunAsync(ct, "queue", "peek", "slow", "--url", Url, "--json");
        using var doc = JsonDocument.Parse(peek.Stdout);
        var job = doc.RootElement.GetProperty("jobs")[0];
        job.GetProperty("state").GetString().ShouldBe("ready");
        job.GetProperty("attempts_used").GetInt32().ShouldBe(0);
    }

    [Fact(Timeout = 30_000)]
    public async Task Sigterm_stops_a_worker_process_gracefully_with_exit_0()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "sends SIGTERM with kill(1)");
        var ct = TestContext.Current.CancellationToken;
        var started = _dir.File("started");
        var done = _dir.File("done");
        await RunAsync(ct, "queue", "push", "slow", "--url", Url, "--payload", "{}");
        var info = new System.Diagnostics.ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "slipway"))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var arg in (string[])["worker", "slow", "--url", Url, "--poll", "50ms", "--", "sh", "-c", $"touch {started}; sleep 1; touch {done}"])
        {
            info.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        try
        {
            var stderr = process.StandardError.ReadToEndAsync(ct);
            (await Eventually.ForAsync(() => File.Exists(started), Patience, ct)).ShouldBeTrue();

            (await ProcessTools.RunAsync("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], ct)).ExitCode.ShouldBe(0);
            await process.WaitForExitAsync(ct);

            var text = await stderr;
            process.ExitCode.ShouldBe(0, text);
            File.Exists(done).ShouldBeTrue("the running job finished before the worker exited");
            text.ShouldContain("slipway worker: stopping");
            text.ShouldEndWith("slipway worker: stopped\n");
            (await SucceededAsync("slow")).ShouldBe(1);
        }
        finally
        {
            ProcessTools.KillQuietly(process.Id);
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Delete_removes_jobs_by_id_and_says_when_an_id_matched_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await RunAsync(ct, "queue", "push", "emails", "--url", Url, "--payload", "{}");

        var deleted = await RunAsync(ct, "queue", "delete", "emails", "1", "--url", Url);
        var missing = await RunAsync(ct, "queue", "delete", "emails", "1", "--url", Url);

        deleted.ExitCode.ShouldBe(ExitCodes.Success, deleted.Output);
        deleted.Stdout.ShouldBe("1 job deleted from emails\n");
        missing.ExitCode.ShouldBe(ExitCodes.CommandFailed, missing.Output);
        missing.Stderr.ShouldContain("1 of the 1 ids matched no job in emails");
    }

    [Theory(Timeout = 30_000)]
    [InlineData("push emails --payload {} --delay soon", "--delay: 'soon' is not a duration")]
    [InlineData("push emails --payload {not-json", "--payload: not a JSON document")]
    [InlineData("push emails", "no payload: give --payload")]
    [InlineData("push emails --json-payload {}", "unknown option '--json-payload'")]
    [InlineData("push emails --payload {} --delya 5m", "unknown option '--delya'; did you mean '--delay'?")]
    [InlineData("push bad/name --payload {}", "'bad/name' is not a queue name")]
    [InlineData("peek emails --state gone", "--state: 'gone' is not one of ready, retrying, running, succeeded or dead")]
    [InlineData("delete emails twelve", "not job ids (positive numbers): 'twelve'")]
    [InlineData("worker emails --timeout forever -- true", "--timeout: 'forever' is not a duration")]
    [InlineData("worker emails", "no command given")]
    [InlineData("serve --http nowhere", "--http: 'nowhere' is not HOST:PORT")]
    [InlineData("serve --http 0.0.0.0:1", "no token, and 0.0.0.0:1 is not loopback")]
    public async Task Usage_mistakes_are_errors_with_exit_2_and_nothing_on_stdout(string words, string expected)
    {
        var ct = TestContext.Current.CancellationToken;
        // --url goes before "--": what follows is the worker's command.
        var split = words.Split(' ');
        var dash = Array.IndexOf(split, "--");
        string[] ours = [.. (dash < 0 ? split : split[..dash]), "--url", Url, .. (dash < 0 ? [] : split[dash..])];
        var args = split[0] == "worker" ? ours : ["queue", .. ours];

        var result = await CliRunner.RunAsync(args, 100, ct);

        result.ExitCode.ShouldBe(ExitCodes.UsageOrConfig, result.Output);
        result.Stdout.ShouldBeEmpty();
        result.Stderr.ShouldStartWith("slipway: error: ");
        result.Stderr.ShouldContain(expected);
        File.Exists(Db).ShouldBeFalse("nothing ran");
    }

    [Fact(Timeout = 30_000)]
    public async Task With_json_a_bad_payload_still_prints_one_json_document()
    {
        var ct = TestContext.Current.CancellationToken;
        var result = await RunAsync(ct, "queue", "push", "emails", "--url", Url, "--payload", "[1,", "--json");

        result.ExitCode.ShouldBe(ExitCodes.UsageOrConfig);
        using var doc = JsonDocument.Parse(result.Stdout);
        doc.RootElement.GetProperty("ok").GetBoolean().ShouldBeFalse();
        doc.RootElement.GetProperty("errors")[0].GetString()!.ShouldContain("not a JSON document");
    }

    [Theory(Timeout = 30_000)]
    [InlineData("ls")]
    [InlineData("stats")]
    [InlineData("peek")]
    [InlineData("retry")]
    [InlineData("purge")]
    public async Task Reading_and_admin_commands_never_create_a_sqlite_store(string command)
    {
        var ct = TestContext.Current.CancellationToken;
        string[] queue = command == "ls" ? [] : ["emails"];

        var result = await CliRunner.RunAsync(["queue", command, .. queue, "--url", Url], 100, ct);

        result.ExitCode.ShouldBe(ExitCodes.UsageOrConfig, result.Output);
        result.Stderr.ShouldBe($"slipway: error: no queue at {Db}: nothing was pushed there yet (check --url or queue.url in slipway.yml).\n");
        File.Exists(Db).ShouldBeFalse();
    }

    [Fact(Timeout = 30_000)]
    public async Task An_unusable_engine_url_is_a_config_error_at_its_line()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = _dir.Write("slipway.yml", "application: shop\ndeploy_to: /srv/shop\nstages:\n  production:\n    hosts: [{ host: h }]\nqueue:\n  url: sqs://cache:6379?prefix=a.b\n  limits: { 'bad name': 2 }\n");

        var check = await RunAsync(ct, "config", "check", "-f", file);
        var push = await RunAsync(ct, "queue", "push", "emails", "-f", file, "--payload", "{}");
        var url = await RunAsync(ct, "queue", "ls", "--url", "amqp://queue");

        check.ExitCode.ShouldBe(ExitCodes.UsageOrConfig);
        check.Stderr.ShouldContain(":7:8: error: queue.url: The queue URL 'sqs://cache:6379?prefix=a.b' has prefix 'a.b'");
        check.Stderr.ShouldContain(":8:13: error: queue.limits.bad name: 'bad name' is not a queue name");
        push.ExitCode.ShouldBe(ExitCodes.UsageOrConfig);
        push.Stderr.ShouldContain("queue.url: The queue URL 'sqs://cache:6379?prefix=a.b' has prefix 'a.b'");
        url.ExitCode.ShouldBe(ExitCodes.UsageOrConfig);
        url.Stderr.ShouldStartWith("slipway: error: --url: Unknown queue engine 'amqp://' in 'amqp://queue'.");
    }

    [Fact(Timeout = 30_000)]
    public async Task A_workers_entry_with_a_bad_queue_name_is_a_config_error_at_its_line_and_config_show_lists_the_workers()
    {
        var ct = TestContext.Current.CancellationToken;
        var yaml = "application: shop\ndeploy_to: /srv/shop\nstages:\n  production:\n    hosts: [{ host: h }]\nworkers:\n  mail: { queue: 'bad/name', command: send }\n";
        var bad = _dir.Write("slipway.yml", yaml);

        var check = await RunAsync(ct, "config", "check", "-f", bad);

        check.ExitCode.ShouldBe(ExitCodes.UsageOrConfig);
        check.Stderr.ShouldContain(":7:18: error: workers.mail.queue: 'bad/name' is not a queue name");

        var good = _dir.Write("good.yml", yaml.Replace("queue: 'bad/name', ", "concurrency: 3, ", StringComparison.Ordinal));
        var show = await RunAsync(ct, "config", "show", "production", "-f", good);
        show.ExitCode.ShouldBe(0, show.Stderr);
        show.Stdout.ShouldContain("workers:\n  mail:\n    queue: mail\n    command: send\n");
        show.Stdout.ShouldContain("    concurrency: 3\n");
    }

    [Fact(Timeout = 30_000)]
    public async Task A_redis_store_that_cannot_be_reached_exits_3()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = Slipway.Testing.FreePorts.Tcp(); // nothing listens there

        var result = await RunAsync(ct, "queue", "ls", "--url", $"redis://:secret@127.0.0.1:{port}");

        result.ExitCode.ShouldBe(ExitCodes.ConnectionFailed, result.Output);
        result.Stderr.ShouldStartWith($"slipway: error: redis://:***@127.0.0.1:{port}: Redis at 127.0.0.1:{port} cannot be reached");
    }

    [Fact(Timeout = 30_000)]
    public async Task Without_a_url_the_store_is_the_state_directory_next_to_slipway_yml()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = _dir.Write("site/slipway.yml", "application: shop\ndeploy_to: /srv/shop\nstages:\n  production:\n    hosts: [{ host: h }]\n");

        var push = await RunAsync(ct, "queue", "push", "emails", "-f", file, "--payload", "{}");

        push.ExitCode.ShouldBe(ExitCodes.Success, push.Output);
        File.Exists(_dir.File("site/.slipway/queue.db")).ShouldBeTrue();
    }

    [Fact]
    public void The_configs_defaults_are_the_librarys()
    {
        var config = QueueConfig.DefaultFor("slipway.yml");
        var engine = QueueEngineOptions.Default;
        var worker = new WorkerOptions();

        config.Lease.ShouldBe(engine.DefaultLease);
        config.Retry.MaxAttempts.ShouldBe(engine.Retry.MaxAttempts);
        config.Retry.BaseDelay.ShouldBe(engine.Retry.BaseDelay);
        config.Retry.MaxDelay.ShouldBe(engine.Retry.MaxDelay);
        config.Retry.Jitter.ShouldBe(engine.Retry.Jitter);
        config.Retention.Succeeded.ShouldBe(engine.Retention.Succeeded);
        config.Retention.SucceededPerQueue.ShouldBe(engine.Retention.SucceededPerQueue);
        config.Retention.Dead.ShouldBe(engine.Retention.Dead);
        config.Retention.DeadPerQueue.ShouldBe(engine.Retention.DeadPerQueue);
        config.Worker.Concurrency.ShouldBe(worker.Concurrency);
        config.Worker.StopGrace.ShouldBe(worker.StopGrace);
        config.Worker.Poll.ShouldBe(worker.IdlePoll);
        config.Worker.Timeout.ShouldBe(new CommandJobOptions().Timeout);
        worker.Lease.ShouldBe(engine.DefaultLease);
        QueueConfig.DefaultHttp.ShouldBe($"127.0.0.1:{Slipway.Queue.Http.QueueHttpOptions.DefaultPort}");
        new Slipway.Queue.Http.QueueHttpOptions().Endpoint.ToString().ShouldBe(QueueConfig.DefaultHttp);
    }

    private static Task<CliResult> RunAsync(CancellationToken ct, params string[] args) => CliRunner.RunAsync(args, 100, ct);

    private Task<long> SucceededAsync(string queue) => CountAsync(queue, s => s.Succeeded);

    private Task<long> DeadAsync(string queue) => CountAsync(queue, s => s.Dead);

    // Read straight from the file: the test's own view, independent of the commands under test.
    private async Task<long> CountAsync(string queue, Func<QueueStats, long> count)
    {
        if (!File.Exists(Db))
        {
            return 0;
        }

        await using var engine = QueueEngineFactory.Open(Url);
        await engine.InitializeAsync(TestContext.Current.CancellationToken);
        return count(await engine.StatsAsync(queue, TestContext.Current.CancellationToken));
    }

    /// <summary>A worker running in-process; <see cref="StopAsync"/> cancels it as Ctrl-C does and waits for its exit.</summary>
    private sealed class Worker : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        private Task<CliResult>? _run;

        public LiveOutput Live { get; } = new();

        public static Worker Start(string[] args)
        {
            var worker = new Worker();
            worker._run = Task.Run(() => CliRunner.RunAsync(args, 200, TimeProvider.System, worker.Live, worker._stop.Token));
            return worker;
        }

        public async Task<CliResult> StopAsync()
        {
            await _stop.CancelAsync();
            return await _run!;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested)
            {
                await StopAsync();
            }

            _stop.Dispose();
        }
    }
}
