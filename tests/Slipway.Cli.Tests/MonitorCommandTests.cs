using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Slipway.Cli.Tests.Support;
using Slipway.Testing;

namespace Slipway.Cli.Tests;

/// <summary>
/// <c>slipway monitor ls|run</c> end to end, in-process, with Debian's real plugins (check_tcp, check_dummy, check_disk)
/// and hand-written ones that hang or print garbage: what is printed, the JSON shapes, the exit codes.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MonitorCommandTests : IDisposable
{
    private const string Plugins = "/usr/lib/nagios/plugins";
    private readonly TempDir _dir = new("slw-monitor-");

    public void Dispose() => _dir.Dispose();

    private static string Plugin(string name)
    {
        var path = Path.Combine(Plugins, name);
        Requires.Check(File.Exists(path),
            $"{path} is not installed. Fix: bash scripts/deps/monitor.sh (apt-get install -y monitoring-plugins-basic monitoring-plugins-standard)",
            Environment.GetEnvironmentVariable("CI"));
        return path;
    }

    /// <summary>A slipway.yml with two hosts (web1 with http_port, db1; checks run here whatever the host) and the given checks under monitor.checks.</summary>
    private string Config(string checks, int httpPort = 1, string monitor = "")
    {
        var port = httpPort.ToString(CultureInfo.InvariantCulture);
        return _dir.Write("slipway.yml", $$"""
            application: shop
            deploy_to: {{_dir.File("srv")}}
            stages:
              local:
                hosts:
                  - { host: web1, roles: [web], vars: { http_port: "{{port}}" } }
                  - { host: db1, roles: [db] }
            monitor:
            {{monitor}}  checks:
            {{checks}}
            """);
    }

    private static Task<CliResult> Run(CancellationToken ct, params string[] args) => CliRunner.RunAsync(args, 100, ct);

    private string Script(string name, string body)
    {
        var path = _dir.Write(name, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Fact(Timeout = 60_000)]
    public async Task Check_tcp_with_a_host_variable_is_ok_on_a_listening_socket_and_critical_on_a_closed_port()
    {
        var ct = TestContext.Current.CancellationToken;
        var checkTcp = Plugin("check_tcp");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var open = ((IPEndPoint)listener.LocalEndpoint).Port;
        var file = Config($"""
                web_port:
                  command: {checkTcp} -H 127.0.0.1 -p ${"{"}http_port{"}"}
                  roles: [web]
                  timeout: 10s
                closed:
                  command: {checkTcp} -H 127.0.0.1 -p {FreePorts.Tcp()}
                  hosts: [web1]
            """, open);

        var ok = await Run(ct, "monitor", "run", "web_port", "-f", file);
        var critical = await Run(ct, "monitor", "run", "closed", "-f", file);

        ok.ExitCode.ShouldBe(ExitCodes.Success, ok.Output);
        ok.Stdout.ShouldStartWith("web_port@web1 OK: TCP OK - ");
        ok.Stdout.ShouldContain($"port {open}");
        ok.Stdout.ShouldContain("  | time=", customMessage: "perfdata is printed");
        ok.Stderr.ShouldBeEmpty();
        critical.ExitCode.ShouldBe(ExitCodes.CommandFailed, critical.Output);
        critical.Stdout.ShouldStartWith("closed@web1 CRITICAL: ");
        critical.Stdout.ShouldContain("Connection refused");
    }

    [Fact(Timeout = 90_000)]
    public async Task Serve_prints_hard_changes_writes_the_state_file_and_exits_zero_when_stopped()
    {
        var ct = TestContext.Current.CancellationToken;
        var checkDummy = Plugin("check_dummy");
        var file = Config($"""
                broken:
                  command: {checkDummy} 2 "disk on fire"
                  hosts: [web1]
                fine:
                  command: {checkDummy} 0 "all good"
                  hosts: [db1]
            """, monitor: "  check_interval: 1s\n  retry_interval: 1s\n  max_check_attempts: 2\n");
        var live = new LiveOutput();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var serving = CliRunner.RunAsync(["monitor", "serve", "-f", file], 200, TimeProvider.System, live, stop.Token);

        var hard = await Eventually.ForAsync(() => live.Text.Contains("broken@web1 PROBLEM CRITICAL (was OK): CRITICAL: disk on fire", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60), ct);
        await stop.CancelAsync();
        var result = await serving;

        hard.ShouldBeTrue(live.Text);
        result.ExitCode.ShouldBe(ExitCodes.Success, result.Output);
        result.Stdout.ShouldStartWith("slipway monitor: 2 checks on 2 hosts, at most 16 at a time; state in ");
        result.Stdout.ShouldContain("broken@web1 SOFT CRITICAL attempt 1: CRITICAL: disk on fire");
        result.Stdout.ShouldContain("stopped after ");
        var state = await File.ReadAllTextAsync(_dir.File(".slipway/monitor-state.json"), ct);
        using var json = JsonDocument.Parse(state);
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!);
        checks["broken@web1"].GetProperty("state_type").GetString().ShouldBe("HARD");
        checks["fine@db1"].GetProperty("state").GetString().ShouldBe("OK");
        File.Exists(_dir.File(".slipway/monitor.db")).ShouldBeTrue("results go to the default history");
    }

    [Fact(Timeout = 90_000)]
    public async Task Serve_sends_alerts_through_the_sites_job_queue_where_queue_stats_shows_them()
    {
        var ct = TestContext.Current.CancellationToken;
        var checkDummy = Plugin("check_dummy");
        var sent = _dir.File("alerts.txt");
        var file = Config($"""
                broken:
                  command: {checkDummy} 2 "disk on fire"
                  hosts: [web1]
            """, monitor: $"  check_interval: 1s\n  retry_interval: 1s\n  max_check_attempts: 2\n" +
                $"  alerts:\n    command:\n      command: echo $NOTIFICATIONTYPE $SLIPWAY_CHECK >> {sent}\n      shell: true\n");
        var live = new LiveOutput();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var serving = CliRunner.RunAsync(["monitor", "serve", "-f", file], 200, TimeProvider.System, live, stop.Token);

        var told = await Eventually.ForAsync(() => File.Exists(sent), TimeSpan.FromSeconds(60), ct);
        await stop.CancelAsync();
        var result = await serving;

        told.ShouldBeTrue(live.Text);
        result.ExitCode.ShouldBe(ExitCodes.Success, result.Output);
        result.Stdout.ShouldContain("alerts: command; a problem is told again every 30m; kept in the queue at sqlite://");
        (await File.ReadAllTextAsync(sent, ct)).Trim().ShouldBe("PROBLEM broken@web1");
        var stats = await Run(ct, "queue", "stats", "monitor-alerts.command", "-f", file, "--json");
        stats.ExitCode.ShouldBe(ExitCodes.Success, stats.Output);
        using var json = JsonDocument.Parse(stats.Stdout);
        json.RootElement.GetProperty("stats").GetProperty("succeeded").GetInt64().ShouldBe(1, stats.Stdout);
    }

    [Fact(Timeout = 90_000)]
    public async Task Serve_keeps_the_history_where_monitor_db_says_relative_to_slipway_yml()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = Config($"""
                fine:
                  command: {Plugin("check_dummy")} 0 "all good"
                  hosts: [db1]
            """, monitor: "  check_interval: 1s\n  db: history/monitor.sqlite\n");
        Directory.CreateDirectory(_dir.File("history"));
        var live = new LiveOutput();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var serving = CliRunner.RunAsync(["monitor", "serve", "-f", file], 200, TimeProvider.System, live, stop.Token);

        var ran = await Eventually.ForAsync(() => live.Text.Contains("fine@db1", StringComparison.Ordinal) || File.Exists(_dir.File("history/monitor.sqlite")),
            TimeSpan.FromSeconds(60), ct);
        await stop.CancelAsync();
        var result = await serving;

        ran.ShouldBeTrue(live.Text);
        result.ExitCode.ShouldBe(ExitCodes.Success, result.Output);
        result.Stdout.ShouldContain($"history in {_dir.File("history/monitor.sqlite")}");
        File.Exists(_dir.File("history/monitor.sqlite")).ShouldBeTrue();
        File.Exists(_dir.File(".slipway/monitor.db")).ShouldBeFalse("monitor.db replaces the default");
    }

    [Fact(Timeout = 60_000)]
    public async Task Serve_refuses_a_history_it_cannot_use_and_never_shows_the_databases_password()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = Config($"""
                fine:
                  command: {Plugin("check_dummy")} 0 "all good"
                  hosts: [db1]
            """);
        var closed = Slipway.Testing.FreePorts.Tcp(); // nothing listens there

        var wrongKind = await CliRunner.RunAsync(["monitor", "serve", "-f", file, "--db", "redis://127.0.0.1/0"], 200, ct).WaitAsync(TimeSpan.FromSeconds(20), ct);
        var unreachable = await CliRunner.RunAsync(["monitor", "serve", "-f", file, "--db", $"postgres://mon:s3cret@127.0.0.1:{closed}/monitor"], 200, ct).WaitAsync(TimeSpan.FromSeconds(20), ct);

        wrongKind.ExitCode.ShouldBe(ExitCodes.UsageOrConfig, wrongKind.Output);
        wrongKind.Stderr.ShouldContain("--db: 'redis://' is not a history store");
        unreachable.ExitCode.ShouldBe(ExitCodes.CommandFailed, unreachable.Output);
        unreachable.Stderr.ShouldContain($"cannot open the monitor history postgres://mon:***@127.0.0.1:{closed}/monitor");
        unreachable.Output.ShouldNotContain("s3cret");
    }

    [Theory(Timeout = 60_000)]
    [InlineData(0, "OK", ExitCodes.Success)]
    [InlineData(1, "WARNING", ExitCodes.CommandFailed)]
    [InlineData(2, "CRITICAL", ExitCodes.CommandFailed)]
    [InlineData(3, "UNKNOWN", ExitCodes.CommandFailed)]
    public async Task Check_dummy_states_map_to_the_json_state_and_slipways_exit_codes(int code, string state, int exit)
    {
        var ct = TestContext.Current.CancellationToken;
        var file = Config($"""
                dummy:
                  command: {Plugin("check_dummy")} {code} "said {code}"
                  hosts: [db1]
            """);

        var result = await Run(ct, "monitor", "run", "dummy", "-f", file, "--json");

        result.ExitCode.ShouldBe(exit, result.Output);
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        root.GetProperty("ok").GetBoolean().ShouldBe(code == 0);
        var run = root.GetProperty("results").EnumerateArray().ShouldHaveSingleItem();
        run.GetProperty("id").GetString().ShouldBe("dummy@db1");
        run.GetProperty("host").GetString().ShouldBe("db1");
        run.GetProperty("stage").GetString().ShouldBe("local");
        run.GetProperty("state").GetString().ShouldBe(state);
        run.GetProperty("exit_code").GetInt32().ShouldBe(code);
        run.GetProperty("plugin_exit_code").GetInt32().ShouldBe(code);
        run.GetProperty("output").GetString().ShouldBe($"{state}: said {code}");
        root.GetProperty("summary").GetProperty(state.ToLowerInvariant()).GetInt32().ShouldBe(1);
        result.Stderr.ShouldBeEmpty();
    }

    [Fact(Timeout = 60_000)]
    public async Task A_plugin_that_hangs_is_unknown_at_the_checks_timeout()
    {
        var ct = TestContext.Current.CancellationToken;
        var hang = Script("check_hang", "echo 'still thinking'\nexec sleep 60");
        var file = Config($"""
                hang: {"{"} command: {hang}, timeout: 1s, hosts: [db1] {"}"}
            """);
        var started = DateTime.UtcNow;

        var result = await Run(ct, "monitor", "run", "hang", "-f", file);

        (DateTime.UtcNow - started).ShouldBeLessThan(TimeSpan.FromSeconds(20), "the plugin is killed at its 1 s time-out, not waited for");
        result.ExitCode.ShouldBe(ExitCodes.CommandFailed, result.Output);
        result.Stdout.ShouldStartWith("hang@db1 UNKNOWN: (plugin timed out after 1s) still thinking");
    }

    [Fact(Timeout = 60_000)]
    public async Task Garbage_output_is_unknown_with_the_text_kept_and_escaped()
    {
        var ct = TestContext.Current.CancellationToken;
        var garbage = Script("check_garbage", "printf 'OK\\001\\002\\003\\004\\005\\006 binary\\n'\nexit 0");
        var file = Config($"""
                junk: {"{"} command: {garbage}, hosts: [db1] {"}"}
            """);

        var result = await Run(ct, "monitor", "run", "junk", "-f", file, "--json");

        result.ExitCode.ShouldBe(ExitCodes.CommandFailed, result.Output);
        var run = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("results")[0];
        run.GetProperty("state").GetString().ShouldBe("UNKNOWN");
        run.GetProperty("output").GetString()!.ShouldContain("\\x01");
    }

    [Fact(Timeout = 60_000)]
    public async Task Long_output_and_quoted_perfdata_labels_come_through_in_text_and_json()
    {
        var ct = TestContext.Current.CancellationToken;
        var multi = Script("check_multi", "echo \"DISKS WARNING - /srv is 91% | '/srv used'=91%;80;90;0;100\"\necho '/ is 40%'\necho '/boot is 12% | boot=12%;80;90'\nexit 1");
        var file = Config($"""
                disks: {"{"} command: {multi}, hosts: [db1] {"}"}
            """);

        var text = await Run(ct, "monitor", "run", "disks", "-f", file);
        var json = await Run(ct, "monitor", "run", "disks", "-f", file, "--json");

        text.Stdout.ShouldBe("disks@db1 WARNING: DISKS WARNING - /srv is 91%\n  / is 40%\n  /boot is 12%\n  | '/srv used'=91%;80;90;0;100 boot=12%;80;90\n");
        var run = JsonDocument.Parse(json.Stdout).RootElement.GetProperty("results")[0];
        run.GetProperty("long_output").GetString().ShouldBe("/ is 40%\n/boot is 12%");
        var perf = run.GetProperty("perfdata")[0];
        (perf.GetProperty("label").GetString(), perf.GetProperty("value").GetDouble(), perf.GetProperty("unit").GetString()).ShouldBe(("/srv used", 91d, "%"));
        (perf.GetProperty("warn").GetString(), perf.GetProperty("crit").GetString(), perf.GetProperty("max").GetDouble()).ShouldBe(("80", "90", 100d));
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_all_runs_every_check_on_every_host_and_prints_a_summary()
    {
        var ct = TestContext.Current.CancellationToken;
        var dummy = Plugin("check_dummy");
        var file = Config($"""
                disk: {"{"} command: "{Plugin("check_disk")} -w 100% -c 100% -p /", hosts: [db1] {"}"}
                fine: {"{"} command: {dummy} 0 fine {"}"}
                meh: {"{"} command: {dummy} 1 meh, roles: [web] {"}"}
                bad: {"{"} command: {dummy} 2 bad, roles: [db] {"}"}
                root: {"{"} type: disk, path: /, warning: 100, critical: 100, hosts: [web1] {"}"}
            """, monitor: "  max_concurrency: 2\n");

        var result = await Run(ct, "monitor", "run", "--all", "-f", file);

        result.ExitCode.ShouldBe(ExitCodes.CommandFailed, result.Output);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("  ", StringComparison.Ordinal)).ToList();
        lines.Select(l => l.Split(' ')[0]).ShouldBe(["disk@db1", "fine@web1", "fine@db1", "meh@web1", "bad@db1", "root@web1", "6"], "file order, then hosts in order");
        lines[^1].ShouldBe("6 checks: 3 OK, 1 WARNING, 2 CRITICAL, 0 UNKNOWN", "check_disk -c 100% (less than all space free) is CRITICAL on any real disk");
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_with_host_picks_one_host_and_names_the_hosts_when_it_is_wrong()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = Config($"""
                fine: {"{"} command: {Plugin("check_dummy")} 0 fine {"}"}
            """);

        var one = await Run(ct, "monitor", "run", "fine", "--host", "db1", "-f", file);
        var byId = await Run(ct, "monitor", "run", "fine@web1", "-f", file);
        var wrong = await Run(ct, "monitor", "run", "fine", "--host", "web9", "-f", file);
        var typo = await Run(ct, "monitor", "run", "fien", "-f", file);
        var neither = await Run(ct, "monitor", "run", "-f", file);

        one.Stdout.ShouldBe("fine@db1 OK: OK: fine\n");
        byId.Stdout.ShouldBe("fine@web1 OK: OK: fine\n");
        wrong.ExitCode.ShouldBe(ExitCodes.UsageOrConfig);
        wrong.Stderr.ShouldBe("slipway: error: check 'fine' runs on no host named 'web9'; it runs on: web1, db1\n");
        typo.ExitCode.ShouldBe(ExitCodes.UsageOrConfig);
        typo.Stderr.ShouldBe("slipway: error: no check 'fien'; did you mean 'fine'? checks: fine\n");
        neither.ExitCode.ShouldBe(ExitCodes.UsageOrConfig);
        neither.Stderr.ShouldContain("name a CHECK to run");
    }

    [Fact(Timeout = 60_000)]
    public async Task Ls_lists_each_check_per_host_with_its_schedule_in_text_and_json()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = Config("""
                web_port: { command: "/usr/lib/nagios/plugins/check_tcp -H 127.0.0.1 -p ${http_port}", roles: [web], retry_interval: 10s }
                root: { type: disk, path: /srv, max_check_attempts: 1 }
            """, 8000, "  check_interval: 1m\n");

        var text = await Run(ct, "monitor", "ls", "-f", file);
        var json = await Run(ct, "monitor", "ls", "local", "-f", file, "--json");

        text.ExitCode.ShouldBe(ExitCodes.Success, text.Output);
        text.Stdout.ShouldBe("""
            STAGE  CHECK          KIND     EVERY  RETRY  ATTEMPTS  TIMEOUT  MARKS  TARGET
            local  web_port@web1  command  1m     10s    3         30s      -      /usr/lib/nagios/plugins/check_tcp -H 127.0.0.1 -p 8000
            local  root@web1      disk     1m     1m     1         30s      -      /srv
            local  root@db1       disk     1m     1m     1         30s      -      /srv

            """.Replace("\r\n", "\n", StringComparison.Ordinal));
        var checks = JsonDocument.Parse(json.Stdout).RootElement.GetProperty("checks");
        checks.GetArrayLength().ShouldBe(3);
        var first = checks[0];
        first.GetProperty("id").GetString().ShouldBe("web_port@web1");
        first.GetProperty("kind").GetString().ShouldBe("command");
        first.GetProperty("target").GetString().ShouldBe("/usr/lib/nagios/plugins/check_tcp -H 127.0.0.1 -p 8000");
        (first.GetProperty("check_interval").GetString(), first.GetProperty("retry_interval").GetString(), first.GetProperty("max_check_attempts").GetInt32())
            .ShouldBe(("1m", "10s", 3));
    }

    [Fact(Timeout = 60_000)]
    public async Task Config_errors_of_the_monitor_section_name_file_line_column_and_key()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = Config("""
                web_port: { command: "check_tcp -p ${http_port} | head -1", roles: [web] }
                ssh: { type: tcp, port: "${http_port}", hosts: [web1] }
                root: { type: disk, warning: "10:5", critical: abc }
            """, 99999);

        var check = await Run(ct, "config", "check", "-f", file);
        var run = await Run(ct, "monitor", "run", "--all", "-f", file, "--json");

        check.ExitCode.ShouldBe(ExitCodes.UsageOrConfig, check.Output);
        check.Stderr.ShouldContain($"{file}:10:26: error: monitor.checks.web_port.command: '|' in the command line is shell syntax; quote it, or run the check with shell: true");
        check.Stderr.ShouldContain($"{file}:11:29: error: monitor.checks.ssh.port: must be a port from 1 to 65535, got \"99999\" (on web1)");
        check.Stderr.ShouldContain($"{file}:12:34: error: monitor.checks.root.warning: threshold range '10:5': start 10 is greater than end 5");
        check.Stderr.ShouldContain($"{file}:12:52: error: monitor.checks.root.critical: threshold range 'abc'");
        run.ExitCode.ShouldBe(ExitCodes.UsageOrConfig);
        JsonDocument.Parse(run.Stdout).RootElement.GetProperty("ok").GetBoolean().ShouldBeFalse();
        run.Stderr.ShouldContain("monitor.checks.ssh.port");
    }

    [Fact(Timeout = 60_000)]
    public async Task Ack_and_downtime_are_kept_in_the_local_marks_file_and_shown_by_ls()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = Config("""
                fine: { command: "/usr/lib/nagios/plugins/check_dummy 0" }
                other: { command: "/usr/lib/nagios/plugins/check_dummy 0", hosts: [db1] }
            """);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 6, 0, 0, TimeSpan.Zero));

        var ack = await CliRunner.RunAsync(["monitor", "ack", "fine@web1", "--comment", "known", "-f", file], 200, time, ct);
        var down = await CliRunner.RunAsync(["monitor", "downtime", "--host", "db1", "--for", "30m", "-f", file, "--json"], 200, time, ct);
        var ls = await CliRunner.RunAsync(["monitor", "ls", "-f", file], 200, time, ct);
        time.Advance(TimeSpan.FromMinutes(31));
        var later = await CliRunner.RunAsync(["monitor", "ls", "-f", file, "--json"], 200, time, ct);
        var noLength = await CliRunner.RunAsync(["monitor", "downtime", "fine", "-f", file], 200, time, ct);

        ack.ExitCode.ShouldBe(ExitCodes.Success, ack.Output);
        ack.Stdout.ShouldBe("acknowledged fine@web1\n");
        using var downJson = JsonDocument.Parse(down.Stdout);
        downJson.RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetString()).ShouldBe(["fine@db1", "other@db1"]);
        downJson.RootElement.GetProperty("until").GetDateTimeOffset().ShouldBe(time.Start.AddMinutes(30));
        File.Exists(_dir.File(".slipway/monitor-marks.json")).ShouldBeTrue();
        var lines = ls.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[1].ShouldContain("fine@web1");
        lines[1].ShouldContain("  acked  ");
        lines[2].ShouldContain("fine@db1");
        lines[2].ShouldContain("downtime until 2026-12-05 06:30Z");
        var afterwards = JsonDocument.Parse(later.Stdout).RootElement.GetProperty("checks");
        afterwards[0].GetProperty("ack_comment").GetString().ShouldBe("known");
        afterwards[1].GetProperty("downtime_until").ValueKind.ShouldBe(JsonValueKind.Null, "the downtime is over");
        noLength.ExitCode.ShouldBe(ExitCodes.UsageOrConfig);
        noLength.Stderr.ShouldContain("say how long with --for");
    }
}
