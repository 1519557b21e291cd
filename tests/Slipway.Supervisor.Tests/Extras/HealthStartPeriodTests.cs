using Slipway.Testing;
using TestDaemon = Slipway.Supervisor.Tests.Compat.Daemon;

namespace Slipway.Supervisor.Tests.Extras;

/// <summary>
/// <c>healthcheck_start_period</c> (issue 22) through the real daemon, driven by the stock supervisorctl: a slow
/// starter is waited for, and one that never becomes healthy is a failed start (BACKOFF, then FATAL).
/// </summary>
public sealed class HealthStartPeriodTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_slow_starter_becomes_healthy_within_its_start_period_and_its_dependant_starts_once()
    {
        var port = TestDaemon.FreePort();
        await using var d = await TestDaemon.StartAsync(TestDaemon.Slipway, $$"""
            [program:db]
            command=python3 -c "import os, socket, time; [time.sleep(0.05) for _ in iter(lambda: os.path.exists('{dir}/booted'), True)]; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', {{port}})); s.listen(); time.sleep(1000)"
            startsecs=0
            healthcheck=tcp:127.0.0.1:{{port}}
            healthcheck_interval=0.3
            healthcheck_retries=2
            healthcheck_start_period=120

            [program:web]
            command=sleep 1131
            startsecs=0
            depends_on=db

            """, Ct);
        await d.WaitForAsync("db", "RUNNING", Ct);
        TestDaemon.Normalize((await d.CtlAsync(Ct, "status", "db")).Output)
            .ShouldBe("db                               RUNNING   pid N, uptime T, starting (health check pending)\n");
        (await d.CtlAsync(Ct, "status", "web")).Output.ShouldBe("web                              STOPPED   waiting for db\n");

        // The program "boots" (listens) only now, long after interval x retries (0.6 s) of refused checks.
        await File.WriteAllTextAsync(Path.Combine(d.Dir.Path, "booted"), "", Ct);
        await d.WaitForAsync("web", "RUNNING", Ct);
        TestDaemon.Normalize((await d.CtlAsync(Ct, "status", "db")).Output).ShouldBe("db                               RUNNING   pid N, uptime T, healthy\n");
        var log = await File.ReadAllTextAsync(d.MainLog, Ct);
        CountOf(log, "spawned: 'db'").ShouldBe(1, log);
        CountOf(log, "spawned: 'web'").ShouldBe(1, log);
    }

    [Fact]
    public async Task A_program_that_never_becomes_healthy_backs_off_and_goes_fatal_after_startretries()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.Slipway, $$"""
            [program:broken]
            command=sleep 1132
            startsecs=0
            startretries=1
            healthcheck=tcp:127.0.0.1:{{TestDaemon.FreePort()}}
            healthcheck_interval=0.2
            healthcheck_retries=2
            healthcheck_start_period=0.5

            """, Ct);
        await d.WaitForAsync("broken", "FATAL", Ct);
        (await d.CtlAsync(Ct, "status", "broken")).Output.ShouldBe("broken                           FATAL     never became healthy\n");
        var log = await File.ReadAllTextAsync(d.MainLog, Ct);
        CountOf(log, "spawned: 'broken'").ShouldBe(2, log);
        log.ShouldContain("unhealthy: broken never passed a health check (connection refused), counted as a failed start");
        log.ShouldContain("broken STOPPING -> BACKOFF");
        log.ShouldContain("gave up: broken entered FATAL state, too many start retries too quickly");
    }

    [Fact]
    public async Task Failures_inside_the_start_period_show_as_pending_not_failing()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.Slipway, $$"""
            [program:slow]
            command=sleep 1133
            startsecs=0
            healthcheck=tcp:127.0.0.1:{{TestDaemon.FreePort()}}
            healthcheck_interval=0.2
            healthcheck_retries=1
            healthcheck_start_period=60

            """, Ct);
        await d.WaitForAsync("slow", "RUNNING", Ct);
        // Wait until several refused checks have run (the metrics count them): none counted towards the retries.
        using var http = new HttpClient();
        (await Eventually.ForAsync(async () => System.Text.RegularExpressions.Regex.IsMatch(
                await http.GetStringAsync(new Uri($"http://127.0.0.1:{d.Port}/metrics"), Ct),
                @"supervisor_process_health_check_failures_total\{group=""slow"",name=""slow""\} ([3-9]|\d\d+)\n"),
            TimeSpan.FromSeconds(10), Ct)).ShouldBeTrue("the checks did not run");
        TestDaemon.Normalize((await d.CtlAsync(Ct, "status", "slow")).Output)
            .ShouldBe("slow                             RUNNING   pid N, uptime T, starting (health check pending)\n");
    }

    private static int CountOf(string text, string fragment) =>
        text.Split('\n').Count(l => l.Contains(fragment, StringComparison.Ordinal));
}
