using Microsoft.Extensions.Time.Testing;
using Slipway.Core.Config;
using Slipway.Monitor.Checks;
using Slipway.Monitor.Configuration;

namespace Slipway.Monitor.Tests;

/// <summary>
/// The built-ins that read other parts of Slipway (supervise, queue, central logs, deploy history), judged on what their
/// source answers; the real sources are tested in Cli.Tests (MonitorSourcesTests) and IntegrationTests.
/// </summary>
public sealed class SourcedCheckTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static ProcessStatus P(string name, string state, string description = "") =>
        new(name, name.Split(':')[0], state, description);

    [Fact(Timeout = 30_000)]
    public async Task Supervise_is_ok_when_every_process_of_the_program_runs_and_names_the_ones_that_do_not()
    {
        var all = new FakeProcesses([P("web:web_00", "RUNNING", "pid 10, uptime 0:01:00"), P("web:web_01", "RUNNING"), P("worker", "FATAL", "Exited too quickly")]);

        var web = await new SuperviseCheck(new SuperviseCheckOptions("web", "/s.sock"), all).RunAsync(Timeout, TestContext.Current.CancellationToken);
        var worker = await new SuperviseCheck(new SuperviseCheckOptions("worker", "/s.sock"), all).RunAsync(Timeout, TestContext.Current.CancellationToken);
        var one = await new SuperviseCheck(new SuperviseCheckOptions("web:web_01", "/s.sock"), all).RunAsync(Timeout, TestContext.Current.CancellationToken);

        web.State.ShouldBe(ServiceState.Ok);
        web.Output.ShouldBe("SUPERVISE OK - web: 2 of 2 RUNNING");
        web.PerfData.ShouldBe([new PerfDatum("running", 2, "", null, null, 0, 2)]);
        all.Sockets.ShouldAllBe(s => s == "/s.sock");
        worker.State.ShouldBe(ServiceState.Critical);
        worker.Output.ShouldBe("SUPERVISE CRITICAL - worker: 0 of 1 RUNNING; worker FATAL (Exited too quickly)");
        one.Output.ShouldBe("SUPERVISE OK - web:web_01: 1 of 1 RUNNING");
    }

    [Fact(Timeout = 30_000)]
    public async Task Supervise_starting_is_a_warning_a_missing_program_and_an_unreachable_daemon_critical()
    {
        var all = new FakeProcesses([P("web", "STARTING")]);

        (await new SuperviseCheck(new SuperviseCheckOptions("web", "/s"), all).RunAsync(Timeout, TestContext.Current.CancellationToken)).State
            .ShouldBe(ServiceState.Warning);
        var missing = await new SuperviseCheck(new SuperviseCheckOptions("api", "/s"), all).RunAsync(Timeout, TestContext.Current.CancellationToken);
        missing.State.ShouldBe(ServiceState.Critical);
        missing.Output.ShouldContain("no program 'api'");
        var down = await new SuperviseCheck(new SuperviseCheckOptions("web", "/s"), new FakeProcesses(null)).RunAsync(Timeout, TestContext.Current.CancellationToken);
        down.State.ShouldBe(ServiceState.Critical);
        down.Output.ShouldBe("SUPERVISE CRITICAL - cannot reach the supervisor at unix:///s");
    }

    [Fact(Timeout = 30_000)]
    public async Task Supervise_with_ranges_judges_the_number_running_so_some_workers_may_be_down()
    {
        var all = new FakeProcesses([P("w:0", "RUNNING"), P("w:1", "RUNNING"), P("w:2", "EXITED"), P("w:3", "BACKOFF")]);

        var enough = await new SuperviseCheck(new SuperviseCheckOptions("w", "/s") { Warning = "3:", Critical = "2:" }, all)
            .RunAsync(Timeout, TestContext.Current.CancellationToken);
        var tooFew = await new SuperviseCheck(new SuperviseCheckOptions("w", "/s") { Critical = "3:" }, all)
            .RunAsync(Timeout, TestContext.Current.CancellationToken);

        enough.State.ShouldBe(ServiceState.Warning);
        enough.Output.ShouldBe("SUPERVISE WARNING - w: 2 of 4 RUNNING; w:2 EXITED, w:3 BACKOFF");
        enough.PerfData.Single().ShouldBe(new PerfDatum("running", 2, "", "3:", "2:", 0, 4));
        tooFew.State.ShouldBe(ServiceState.Critical);
    }

    [Fact(Timeout = 30_000)]
    public async Task Queue_depth_and_oldest_age_are_judged_by_their_ranges_and_an_unreadable_queue_is_unknown()
    {
        var meter = new FakeQueue(new QueueMeasure(12, TimeSpan.FromSeconds(90)));

        var depth = await new QueueCheck(new QueueCheckOptions("mail") { Warning = "10", Critical = "100" }, meter).RunAsync(Timeout, TestContext.Current.CancellationToken);
        var age = await new QueueCheck(new QueueCheckOptions("mail", QueueMeasureKind.OldestAge) { Critical = "60" }, meter)
            .RunAsync(Timeout, TestContext.Current.CancellationToken);
        var empty = await new QueueCheck(new QueueCheckOptions("mail", QueueMeasureKind.OldestAge) { Critical = "60" }, new FakeQueue(new QueueMeasure(0, null)))
            .RunAsync(Timeout, TestContext.Current.CancellationToken);
        var broken = await new QueueCheck(new QueueCheckOptions("mail"), new FakeQueue(null)).RunAsync(Timeout, TestContext.Current.CancellationToken);

        depth.State.ShouldBe(ServiceState.Warning);
        depth.Output.ShouldBe("QUEUE WARNING - queue mail: 12 ready, oldest 90.000 s");
        depth.PerfData.ShouldBe([new PerfDatum("ready", 12, "", "10", "100", 0), new PerfDatum("oldest_age", 90, "s", null, null, 0)]);
        meter.Queues.ShouldAllBe(q => q == "mail");
        age.State.ShouldBe(ServiceState.Critical);
        age.Output.ShouldBe("QUEUE CRITICAL - queue mail: oldest ready job waiting 90.000 s (12 ready)");
        empty.State.ShouldBe(ServiceState.Ok, "nothing waits in an empty queue");
        broken.State.ShouldBe(ServiceState.Unknown);
        broken.Output.ShouldBe("QUEUE UNKNOWN - the queue's database is down");
    }

    [Fact(Timeout = 30_000)]
    public async Task Log_errors_are_counted_per_minute_over_the_window_ending_now_with_the_host_and_program_filters()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        var counter = new FakeLogs([new LogErrorCount("web1", "gunicorn", 40), new LogErrorCount("web2", "gunicorn", 5), new LogErrorCount("web1", "cron", 5)]);
        var options = new LogErrorsCheckOptions(TimeSpan.FromMinutes(5)) { Warning = "1", Critical = "5" };

        var all = await new LogErrorsCheck(options, counter, time).RunAsync(Timeout, TestContext.Current.CancellationToken);
        var web2 = await new LogErrorsCheck(options with { Host = "WEB2" }, counter, time).RunAsync(Timeout, TestContext.Current.CancellationToken);
        var cron = await new LogErrorsCheck(options with { Host = "web1", Program = "cron" }, counter, time).RunAsync(Timeout, TestContext.Current.CancellationToken);

        counter.Windows.Distinct().ShouldBe([(time.GetUtcNow().AddMinutes(-5), time.GetUtcNow())]);
        all.State.ShouldBe(ServiceState.Critical);
        all.Output.ShouldBe("LOG ERRORS CRITICAL - 10 errors/min over 5m (50 events); most from gunicorn@web1 40, cron@web1 5, gunicorn@web2 5");
        all.PerfData.ShouldBe([new PerfDatum("errors_per_minute", 10, "", "1", "5", 0), new PerfDatum("errors", 50, "", null, null, 0)]);
        web2.State.ShouldBe(ServiceState.Ok, "1 error a minute is inside the warning range 0..1");
        cron.Output.ShouldStartWith("LOG ERRORS OK - 1 errors/min over 5m from cron on web1 (5 events)");
    }

    [Fact(Timeout = 30_000)]
    public async Task Release_is_ok_when_current_is_the_historys_critical_when_not_and_unknown_without_history()
    {
        var options = new ReleaseCheckOptions("production", "web1");
        async Task<CheckResult> RunAsync(LiveRelease? live) =>
            await new ReleaseCheck(options, new FakeReleases(live)).RunAsync(Timeout, TestContext.Current.CancellationToken);

        var same = await RunAsync(new LiveRelease("20261206100000", "20261206100000"));
        var other = await RunAsync(new LiveRelease("20261205090000", "20261206100000"));
        var none = await RunAsync(new LiveRelease(null, "20261206100000"));
        var noHistory = await RunAsync(new LiveRelease("20261205090000", null));
        var unreachable = await RunAsync(null);

        same.State.ShouldBe(ServiceState.Ok);
        same.Output.ShouldBe("RELEASE OK - web1 has release 20261206100000 live, as the history of production says");
        other.State.ShouldBe(ServiceState.Critical);
        other.Output.ShouldBe("RELEASE CRITICAL - web1 has release 20261205090000 live, but the history of production says 20261206100000");
        none.State.ShouldBe(ServiceState.Critical);
        noHistory.State.ShouldBe(ServiceState.Unknown);
        unreachable.State.ShouldBe(ServiceState.Unknown);
        unreachable.Output.ShouldBe("RELEASE UNKNOWN - cannot read web1: connection refused");
    }

    [Fact(Timeout = 30_000)]
    public async Task Without_a_source_the_check_is_unknown_and_says_so()
    {
        var factory = new CheckFactory();

        var result = await factory.Create(new CheckDefinition { Name = "q", Queue = new QueueCheckOptions("default") })
            .Check.RunAsync(Timeout, TestContext.Current.CancellationToken);

        result.State.ShouldBe(ServiceState.Unknown);
        result.Output.ShouldContain("not available here");
    }

    [Fact]
    public void The_plan_defines_each_kind_per_host_with_the_layout_socket_the_stage_and_the_flapping_thresholds()
    {
        var loaded = ConfigLoader.Parse("""
            application: site
            deploy_to: /srv/site
            stages:
              production:
                hosts: [{ host: web1, vars: { q: mail } }]
            logs: { db: /var/lib/slipway/logs.db }
            monitor:
              checks:
                procs: { type: supervise, program: web, flapping: { low_threshold: 10, high_threshold: 40 } }
                jobs: { type: queue, queue: "${q}", measure: oldest_age, critical: 60 }
                errors: { type: log_errors, window: 10m, warning: 1 }
                live: { type: release }
            """, "/srv/site/slipway.yml");
        loaded.Diagnostics.ShouldBeEmpty();
        var config = loaded.Config!;

        var (checks, problems) = MonitorPlan.Expand(config);

        problems.ShouldBeEmpty();
        var d = checks.Select(c => c.Definition).ToList();
        d[0].Supervise.ShouldBe(new SuperviseCheckOptions("web", "/srv/site/slipway/supervisor.sock"));
        d[0].Options.Flapping.ShouldBe(new FlapDetectionOptions { LowThreshold = 10, HighThreshold = 40 });
        d[1].Queue.ShouldBe(new QueueCheckOptions("mail", QueueMeasureKind.OldestAge) { Critical = "60" });
        d[2].LogErrors.ShouldBe(new LogErrorsCheckOptions(TimeSpan.FromMinutes(10)) { Warning = "1" });
        d[3].Release.ShouldBe(new ReleaseCheckOptions("production", "web1"));
        checks.Select(c => c.Target).ShouldBe(["web via /srv/site/slipway/supervisor.sock", "queue mail oldest_age", "errors/min over 10m", "current vs the history of production"]);
        MonitorPlan.Check(config with { Logs = null }).Select(p => p.ToString())
            .ShouldContain(p => p.Contains("monitor.checks.errors.type: log_errors reads the central logs: set logs.db", StringComparison.Ordinal));
    }

    [Fact]
    public void A_bad_range_of_a_new_built_in_is_reported_at_its_key()
    {
        var host = new HostConfig { Host = "web1" };

        MonitorPlan.Define(Check("q") with { Type = "queue", Warning = "10:5" }, host).Problems
            .ShouldBe([("warning", "threshold range '10:5': start 10 is greater than end 5")]);
    }

    private static MonitorCheckConfig Check(string name) => new()
    {
        Name = name, CheckInterval = TimeSpan.FromMinutes(1), RetryInterval = TimeSpan.FromMinutes(1), MaxCheckAttempts = 3, RecoverAfter = 1,
        Timeout = TimeSpan.FromSeconds(10),
    };

    private sealed class FakeProcesses(IReadOnlyList<ProcessStatus>? answer) : IProcessStates
    {
        public List<string> Sockets { get; } = [];

        public Task<IReadOnlyList<ProcessStatus>> ReadAsync(string socket, CancellationToken ct)
        {
            Sockets.Add(socket);
            return answer is null ? throw new CheckSourceException($"cannot reach the supervisor at unix://{socket}") : Task.FromResult(answer);
        }
    }

    private sealed class FakeQueue(QueueMeasure? answer) : IQueueMeter
    {
        public List<string> Queues { get; } = [];

        public Task<QueueMeasure> ReadAsync(string queue, CancellationToken ct)
        {
            Queues.Add(queue);
            return answer is null ? throw new CheckSourceException("the queue's database is down") : Task.FromResult(answer);
        }
    }

    private sealed class FakeLogs(IReadOnlyList<LogErrorCount> answer) : ILogErrorCounter
    {
        public List<(DateTimeOffset, DateTimeOffset)> Windows { get; } = [];

        public Task<IReadOnlyList<LogErrorCount>> CountAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct)
        {
            Windows.Add((since, until));
            return Task.FromResult(answer);
        }
    }

    private sealed class FakeReleases(LiveRelease? answer) : ILiveReleases
    {
        public Task<LiveRelease> ReadAsync(string stage, string host, CancellationToken ct) =>
            answer is null ? throw new CheckSourceException($"cannot read {host}: connection refused") : Task.FromResult(answer);
    }
}
