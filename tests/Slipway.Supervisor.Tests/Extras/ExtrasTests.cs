using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Slipway.Testing;
using TestDaemon = Slipway.Supervisor.Tests.Compat.Daemon;

namespace Slipway.Supervisor.Tests.Extras;

/// <summary>
/// The beyond-supervisord options through the real daemon (`slipway supervise`), driven by the stock supervisorctl.
/// These run against slipway only: supervisord has none of these options.
/// </summary>
public sealed class ExtrasTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<TestDaemon> StartAsync(string programs, string? user = null, string? password = null) =>
        TestDaemon.StartAsync(TestDaemon.Slipway, programs, Ct, user, password);

    /// <summary>Main-log lines (message part) in order.</summary>
    private static async Task<List<string>> LogLinesAsync(TestDaemon d) =>
        (await File.ReadAllLinesAsync(d.MainLog, Ct)).Select(l => l.Length > 24 ? l[24..] : l).ToList();

    private static int IndexOf(List<string> lines, string fragment)
    {
        var i = lines.FindIndex(l => l.Contains(fragment, StringComparison.Ordinal));
        i.ShouldBeGreaterThanOrEqualTo(0, $"no log line with '{fragment}' in:\n{string.Join('\n', lines)}");
        return i;
    }

    [Fact]
    public async Task Depends_on_starts_after_the_dependency_is_running_and_stops_before_it()
    {
        await using var d = await StartAsync("""
            [program:db]
            command=sleep 1100
            startsecs=1
            stopwaitsecs=2

            [program:web]
            command=sleep 1101
            process_name=web_%(process_num)d
            numprocs=2
            startsecs=0
            depends_on=db

            """);
        await d.WaitForAsync("web:web_1", "RUNNING", Ct);
        var lines = await LogLinesAsync(d);
        IndexOf(lines, "success: db entered RUNNING").ShouldBeLessThan(IndexOf(lines, "spawned: 'web_0'"));
        IndexOf(lines, "success: db entered RUNNING").ShouldBeLessThan(IndexOf(lines, "spawned: 'web_1'"));

        // Stopping the dependency stops its dependents first (supervisorctl reports what it asked for).
        (await d.CtlAsync(Ct, "stop", "db")).Output.ShouldBe("db: stopped\n");
        TestDaemon.Normalize((await d.CtlAsync(Ct, "status")).Output).ShouldBe("""
            db                               STOPPED   DATE
            web:web_0                        STOPPED   DATE
            web:web_1                        STOPPED   DATE

            """);
        lines = await LogLinesAsync(d);
        IndexOf(lines, "stopped: web_0").ShouldBeLessThan(IndexOf(lines, "stopped: db"));
        IndexOf(lines, "stopped: web_1").ShouldBeLessThan(IndexOf(lines, "stopped: db"));

        // Starting the dependency again brings back what its stop took down: `restart db` keeps web running.
        (await d.CtlAsync(Ct, "start", "db")).Output.ShouldBe("db: started\n");
        await d.WaitForAsync("web:web_0", "RUNNING", Ct);
        await d.WaitForAsync("web:web_1", "RUNNING", Ct);
        (await d.CtlAsync(Ct, "restart", "db")).Output.ShouldBe("db: stopped\ndb: started\n");
        await d.WaitForAsync("web:web_1", "RUNNING", Ct);

        // stop all: every process reported, dependents stopped before the dependency.
        await File.WriteAllTextAsync(d.MainLog, "", Ct);
        var all = (await d.CtlAsync(Ct, "stop", "all")).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
        all.ShouldBe(["db: stopped", "web:web_0: stopped", "web:web_1: stopped"]);
        lines = await LogLinesAsync(d);
        IndexOf(lines, "stopped: web_0").ShouldBeLessThan(IndexOf(lines, "stopped: db"));

        // Starting a dependent starts what it needs first and replies once it is RUNNING; a dependent stopped on
        // purpose (stop all) stays stopped.
        (await d.CtlAsync(Ct, "start", "web:web_0")).Output.ShouldBe("web:web_0: started\n");
        TestDaemon.Normalize((await d.CtlAsync(Ct, "status")).Output).ShouldBe("""
            db                               RUNNING   pid N, uptime T
            web:web_0                        RUNNING   pid N, uptime T
            web:web_1                        STOPPED   DATE

            """);
    }

    [Fact]
    public async Task A_dependent_waits_while_its_dependency_cannot_start_and_says_so()
    {
        await using var d = await StartAsync("""
            [program:db]
            command=/bin/sh -c 'exit 1'
            startretries=0
            autostart=false

            [program:web]
            command=sleep 1102
            depends_on=db
            autostart=false

            """);
        // start web: db is started first, goes FATAL, and web's start fails instead of hanging.
        (await d.CtlAsync(Ct, "start", "web")).Output.ShouldBe("web: ERROR (spawn error)\n");
        (await d.CtlAsync(Ct, "status", "db")).Output.ShouldContain("FATAL");
        TestDaemon.Normalize((await d.CtlAsync(Ct, "status", "web")).Output).ShouldBe("web                              STOPPED   Not started\n");
    }

    [Fact]
    public async Task Restartdelay_and_exponential_backoff_space_the_retries()
    {
        await using var d = await StartAsync("""
            [program:crashy]
            command=/bin/sh -c 'sleep 0.3; exit 1'
            startsecs=0
            autorestart=true
            restartdelay=1.5

            [program:flappy]
            command=/bin/false
            startretries=3
            backoff_max=2

            """);
        await d.WaitForAsync("flappy", "FATAL", Ct);
        (await Eventually.ForAsync(async () => SpawnTimes(await File.ReadAllLinesAsync(d.MainLog, Ct), "crashy").Count >= 3,
            TimeSpan.FromSeconds(20), Ct)).ShouldBeTrue();
        var log = await File.ReadAllLinesAsync(d.MainLog, Ct);

        // EXITED -> restarted restartdelay after the exit (0.3 s of life + 1.5 s), not at once as supervisord.
        var crashy = SpawnTimes(log, "crashy");
        for (var i = 1; i < crashy.Count; i++)
        {
            (crashy[i] - crashy[i - 1]).TotalSeconds.ShouldBeInRange(1.75, 3.5);
        }

        // BACKOFF delays 1, 2, 2 (capped) instead of supervisord's 1, 2, 3.
        var flappy = SpawnTimes(log, "flappy");
        flappy.Count.ShouldBe(4);
        var gaps = flappy.Zip(flappy.Skip(1), (a, b) => (b - a).TotalSeconds).ToList();
        gaps[0].ShouldBeInRange(0.9, 1.8);
        gaps[1].ShouldBeInRange(1.9, 2.8);
        gaps[2].ShouldBeInRange(1.9, 2.8);
    }

    [Fact]
    public async Task Restartdelay_max_spaces_a_crash_loop_slower_than_startsecs_ever_wider()
    {
        await using var d = await StartAsync("""
            [program:crashloop]
            command=/bin/sh -c 'sleep 0.3; exit 1'
            startsecs=0
            autorestart=true
            restartdelay=0.25
            restartdelay_max=1

            """);
        (await Eventually.ForAsync(async () => SpawnTimes(await File.ReadAllLinesAsync(d.MainLog, Ct), "crashloop").Count >= 5,
            TimeSpan.FromSeconds(20), Ct)).ShouldBeTrue();
        var spawns = SpawnTimes(await File.ReadAllLinesAsync(d.MainLog, Ct), "crashloop");

        // 0.3 s of life, then waits of 0.25, 0.5, 1 and 1 (capped) s: each RUNNING, so BACKOFF never applies.
        var gaps = spawns.Zip(spawns.Skip(1), (a, b) => (b - a).TotalSeconds).Take(4).ToList();
        gaps[0].ShouldBeInRange(0.5, 1.0);
        gaps[1].ShouldBeInRange(0.75, 1.3);
        gaps[2].ShouldBeInRange(1.25, 1.9);
        gaps[3].ShouldBeInRange(1.25, 1.9);
    }

    private static List<DateTime> SpawnTimes(IEnumerable<string> log, string name) =>
        log.Where(l => l.Contains($"spawned: '{name}'", StringComparison.Ordinal))
            .Select(l => DateTime.ParseExact(l[..23], "yyyy-MM-dd HH:mm:ss,fff", CultureInfo.InvariantCulture)).ToList();

    [Fact]
    public async Task Fatal_exit_shuts_the_daemon_down_in_order_and_exits_non_zero()
    {
        // essential fails slowly (two tries of 2 s and a 1 s backoff) so the daemon is still up when StartAsync checks
        // that it answers, even on a loaded machine where supervisorctl itself takes seconds to start.
        var d = await StartAsync("""
            [program:keeper]
            command=sleep 1103
            startsecs=0

            [program:essential]
            command=/bin/sh -c 'sleep 2; exit 2'
            startsecs=3
            startretries=1
            fatal_exit=true

            """);
        await using (d)
        {
            (await d.WaitForExitAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();
            d.ExitCode.ShouldBe(1);
            var log = await File.ReadAllTextAsync(d.MainLog, Ct);
            log.ShouldContain("CRITICAL essential entered FATAL state (fatal_exit=true), shutting down");
            log.ShouldContain("stopped: keeper (terminated by SIGTERM)");
        }
    }

    [Fact]
    public async Task Envfile_sets_variables_that_environment_overrides_and_a_missing_one_is_a_spawn_error()
    {
        await using var d = await StartAsync("""
            [program:show]
            command=/bin/sh -c 'echo "$FROM_FILE|$QUOTED|$WINS|$SECOND"; exec sleep 1104'
            startsecs=0
            envfile={dir}/app.env, -{dir}/optional-missing.env, {dir}/second.env
            environment=WINS="environment"

            [program:missing]
            command=sleep 1105
            startretries=0
            envfile={dir}/nope.env

            """);
        await File.WriteAllTextAsync(Path.Combine(d.Dir.Path, "app.env"), "# comment\nFROM_FILE=plain value\nexport QUOTED=\"a \\\"b\\\"\"\nWINS=file\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(d.Dir.Path, "second.env"), "SECOND='single $quoted'\n", Ct);
        // the files are read at spawn time: restart to pick them up
        await d.CtlAsync(Ct, "restart", "show");
        (await Eventually.ForAsync(async () => (await d.CtlAsync(Ct, "tail", "show")).Output.Contains("plain value", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), Ct)).ShouldBeTrue();
        (await d.CtlAsync(Ct, "tail", "show")).Output.Split('\n').ShouldContain("plain value|a \"b\"|environment|single $quoted");

        await d.WaitForAsync("missing", "FATAL", Ct);
        (await d.CtlAsync(Ct, "status", "missing")).Output.ShouldContain($"envfile {Path.Combine(d.Dir.Path, "nope.env")}: no such file");
    }

    [Fact]
    public async Task Killtree_catches_a_double_forked_grandchild_that_left_the_process_group()
    {
        await using var d = await StartAsync("""
            [program:tree]
            command=/bin/sh -c '(setsid sleep 4321 &); exec sleep 1106'
            startsecs=0
            stopasgroup=true
            killtree=true

            [program:plain]
            command=/bin/sh -c '(setsid sleep 4322 &); exec sleep 1107'
            startsecs=0
            stopasgroup=true

            """);
        await d.WaitForAsync("plain", "RUNNING", Ct);
        int? tree = null, plain = null;
        (await Eventually.ForAsync(() => (tree = FindSleep("4321")) is not null && (plain = FindSleep("4322")) is not null, TimeSpan.FromSeconds(10), Ct))
            .ShouldBeTrue();
        try
        {
            // The grandchild escaped: its own session and process group, re-parented to the daemon (a child subreaper).
            Parent(tree!.Value).ShouldBe(d.Pid);
            (await d.CtlAsync(Ct, "stop", "tree", "plain")).Output.ShouldBe("tree: stopped\nplain: stopped\n");
            (await Eventually.ForAsync(() => !Directory.Exists($"/proc/{tree}"), TimeSpan.FromSeconds(10), Ct))
                .ShouldBeTrue("killtree left the grandchild running (or unreaped)");
            Directory.Exists($"/proc/{plain}").ShouldBeTrue("without killtree the escaped grandchild survives, as under supervisord");
        }
        finally
        {
            foreach (var pid in new[] { tree, plain })
            {
                if (pid is { } p)
                {
                    await ProcessTools.RunAsync("kill", ["-9", p.ToString(CultureInfo.InvariantCulture)], CancellationToken.None);
                }
            }
        }
    }

    private static int? FindSleep(string seconds)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")) == "sleep\0" + seconds + "\0")
                {
                    return int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
            }
        }

        return null;
    }

    private static int Parent(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Health_checks_gate_dependents_show_in_status_and_restart_an_unhealthy_process()
    {
        await using var d = await StartAsync("""
            [program:db]
            command=sleep 1108
            startsecs=0
            healthcheck=cmd:test -f %(here)s/healthy
            healthcheck_interval=0.2
            healthcheck_retries=2
            healthcheck_start_period=60

            [program:web]
            command=sleep 1109
            startsecs=0
            depends_on=db

            """);
        // Until its first passing check db is starting, however long this machine takes to get to the next line (the
        // start period keeps it from being counted as a failed start meanwhile).
        await d.WaitForAsync("db", "RUNNING", Ct);
        (await Eventually.ForAsync(async () => (await d.CtlAsync(Ct, "status", "db")).Output.Contains("starting (health check pending)", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), Ct)).ShouldBeTrue();
        (await d.CtlAsync(Ct, "status", "web")).Output.ShouldBe("web                              STOPPED   waiting for db\n");

        await File.WriteAllTextAsync(Path.Combine(d.Dir.Path, "healthy"), "", Ct);
        await d.WaitForAsync("web", "RUNNING", Ct);
        TestDaemon.Normalize((await d.CtlAsync(Ct, "status", "db")).Output).ShouldBe("db                               RUNNING   pid N, uptime T, healthy\n");
        var pid = (await d.CtlAsync(Ct, "pid", "db")).Output.Trim();

        File.Delete(Path.Combine(d.Dir.Path, "healthy"));
        (await Eventually.ForAsync(async () => (await File.ReadAllTextAsync(d.MainLog, Ct)).Contains("unhealthy: db failed 2 health checks in a row", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), Ct)).ShouldBeTrue();
        (await Eventually.ForAsync(async () => (await d.CtlAsync(Ct, "pid", "db")).Output.Trim() is var now && now != pid && now != "0",
            TimeSpan.FromSeconds(10), Ct)).ShouldBeTrue("the unhealthy process was not restarted");
        var metrics = await GetAsync($"http://127.0.0.1:{d.Port}/metrics", null);
        // (it keeps failing, so it may have been restarted more than once by now)
        metrics.Body.ShouldMatch(@"(?s).*\nsupervisor_process_restarts_total\{group=""db"",name=""db""\} [1-9]\d*\n.*");
        metrics.Body.ShouldMatch(@"(?s).*\nsupervisor_process_health_check_failures_total\{group=""db"",name=""db""\} [1-9]\d*\n.*");
    }

    [Fact]
    public async Task An_http_health_check_with_an_env_expansion_against_a_real_server()
    {
        var port = TestDaemon.FreePort();
        await using var d = await StartAsync($$"""
            [program:site]
            command=python3 -m http.server %(ENV_PORT)s --bind 127.0.0.1 --directory %(here)s
            environment=PORT="{{port}}"
            startsecs=0
            healthcheck=http://127.0.0.1:%(ENV_PORT)s/
            healthcheck_interval=0.3
            healthcheck_action=none

            [program:closed]
            command=sleep 1112
            startsecs=0
            healthcheck=tcp:127.0.0.1:{{TestDaemon.FreePort()}}
            healthcheck_interval=0.3
            healthcheck_retries=1
            healthcheck_action=none

            """);
        (await Eventually.ForAsync(async () => (await d.CtlAsync(Ct, "status", "site")).Output.EndsWith(", healthy\n", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), Ct)).ShouldBeTrue((await d.CtlAsync(Ct, "status")).Output);
        (await Eventually.ForAsync(async () => (await d.CtlAsync(Ct, "status", "closed")).Output.EndsWith(", unhealthy: connection refused\n", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), Ct)).ShouldBeTrue((await d.CtlAsync(Ct, "status")).Output);
    }

    [Fact]
    public async Task Metrics_in_prometheus_format_behind_the_same_auth()
    {
        await using var d = await StartAsync("""
            [program:alpha]
            command=sleep 1110
            startsecs=0

            [program:off]
            command=sleep 1111
            autostart=false

            """, user: "admin", password: "s3cret");
        await d.WaitForAsync("alpha", "RUNNING", Ct);
        var url = $"http://127.0.0.1:{d.Port}/metrics";
        (await GetAsync(url, null)).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await GetAsync(url, "admin:wrong")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        var (status, type, body) = await GetAsync(url, "admin:s3cret");
        status.ShouldBe(HttpStatusCode.OK);
        type.ShouldBe("text/plain; version=0.0.4; charset=utf-8");
        body.ShouldContain("# TYPE supervisor_process_state gauge\n");
        body.ShouldContain("supervisor_process_state{group=\"alpha\",name=\"alpha\",state=\"RUNNING\"} 20\n");
        body.ShouldContain("supervisor_process_state{group=\"off\",name=\"off\",state=\"STOPPED\"} 0\n");
        body.ShouldContain("supervisor_process_starts_total{group=\"alpha\",name=\"alpha\"} 1\n");
        body.ShouldMatch(@"(?s).*supervisor_process_resident_memory_bytes\{group=""alpha"",name=""alpha""\} [1-9]\d+\n.*");
        body.ShouldMatch(@"(?s).*\nsupervisor_resident_memory_bytes [1-9]\d+\n.*");
        body.ShouldNotContain("supervisor_process_resident_memory_bytes{group=\"off\"");
    }

    private static async Task<(HttpStatusCode Status, string? Type, string Body)> GetAsync(string url, string? credentials)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (credentials is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        }

        using var response = await client.SendAsync(request, Ct);
        return (response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsStringAsync(Ct));
    }
}
