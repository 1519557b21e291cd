using Slipway.Monitor.Plugins;
using Slipway.Monitor.Tests.Support;
using Slipway.Testing;

namespace Slipway.Monitor.Tests.Integration;

/// <summary>Debian's real monitoring-plugins and hand-written misbehaving plugins through <see cref="PluginRunner"/>.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RealPluginTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly PluginRunner _runner = new();

    [Fact(Timeout = 60_000)]
    public async Task Check_http_against_a_real_server_is_ok_with_time_and_size_perfdata()
    {
        var checkHttp = MonitoringPlugins.Require("check_http");
        await using var server = new TinyHttpServer();

        var result = await RunAsync($"{checkHttp} -H 127.0.0.1 -p {server.Port} -u / -s 'slipway is healthy'", TestContext.Current.CancellationToken);

        result.State.ShouldBe(ServiceState.Ok, result.Output);
        result.Output.ShouldStartWith("HTTP OK: HTTP/1.1 200 OK");
        result.PerfData.Select(d => d.Label).ShouldBe(["time", "size"]);
        result.PerfData[0].Unit.ShouldBe("s");
        result.PerfData[1].Unit.ShouldBe("B");
        result.PerfData[1].Value.ShouldNotBeNull().ShouldBeGreaterThan(TinyHttpServer.Body.Length); // with the headers
        server.Requests.ShouldBe(1);
    }

    [Fact(Timeout = 60_000)]
    public async Task Check_http_reports_a_server_error_as_critical()
    {
        var checkHttp = MonitoringPlugins.Require("check_http");
        await using var server = new TinyHttpServer();

        var result = await RunAsync($"{checkHttp} -H 127.0.0.1 -p {server.Port} -u /broken", TestContext.Current.CancellationToken);

        result.State.ShouldBe(ServiceState.Critical, result.Output);
        result.Output.ShouldContain("500 Internal Server Error");
    }

    [Fact(Timeout = 60_000)]
    public async Task Check_tcp_is_ok_on_a_listening_port_and_critical_on_a_closed_one()
    {
        var checkTcp = MonitoringPlugins.Require("check_tcp");
        await using var server = new TinyHttpServer();

        var open = await RunAsync($"{checkTcp} -H 127.0.0.1 -p {server.Port}", TestContext.Current.CancellationToken);
        var closed = await RunAsync($"{checkTcp} -H 127.0.0.1 -p {FreePorts.Tcp()}", TestContext.Current.CancellationToken);

        open.State.ShouldBe(ServiceState.Ok, open.Output);
        open.PerfData.Single().Label.ShouldBe("time");
        closed.State.ShouldBe(ServiceState.Critical);
        closed.Output.ShouldContain("Connection refused");
    }

    [Fact(Timeout = 60_000)]
    public async Task Check_disk_perfdata_is_read_in_bytes_and_its_thresholds_decide()
    {
        var checkDisk = MonitoringPlugins.Require("check_disk");

        var ok = await RunAsync($"{checkDisk} -w 0% -c 0% -p /", TestContext.Current.CancellationToken);
        var critical = await RunAsync($"{checkDisk} -w 100% -c 100% -p /", TestContext.Current.CancellationToken);

        ok.State.ShouldBe(ServiceState.Ok, ok.Output);
        var root = ok.PerfData.Single(d => d.Label == "/");
        root.Unit.ShouldBe("B");
        root.Max.ShouldNotBeNull().ShouldBeGreaterThan(root.Value.ShouldNotBeNull());
        ok.UnparsedPerfData.ShouldBeNull();
        critical.State.ShouldBe(ServiceState.Critical, critical.Output);
    }

    [Fact(Timeout = 60_000)]
    public async Task Check_procs_counts_processes_and_a_range_of_zero_is_critical()
    {
        var checkProcs = MonitoringPlugins.Require("check_procs");

        var ok = await RunAsync($"{checkProcs} -w 1000000", TestContext.Current.CancellationToken);
        var critical = await RunAsync($"{checkProcs} -c 0", TestContext.Current.CancellationToken);

        ok.State.ShouldBe(ServiceState.Ok, ok.Output);
        ok.PerfData.Single().Label.ShouldBe("procs");
        ok.PerfData.Single().Value.ShouldNotBeNull().ShouldBeGreaterThan(1);
        critical.State.ShouldBe(ServiceState.Critical, critical.Output);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_hanging_plugin_is_unknown_at_the_time_out_and_its_process_tree_is_killed()
    {
        using var dir = new TempDir();
        var plugin = Script(dir, "check_hang", $$"""
            echo $$ > {{dir.File("pid")}}
            sleep 300 &
            echo $! > {{dir.File("child")}}
            echo "STILL WORKING - half done"
            wait
            """);
        var started = DateTime.UtcNow;

        var result = await _runner.RunAsync(PluginCommand.FromArgv([plugin]), TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);

        result.State.ShouldBe(ServiceState.Unknown);
        result.Output.ShouldBe("(plugin timed out after 1s) STILL WORKING - half done");
        (DateTime.UtcNow - started).ShouldBeLessThan(TimeSpan.FromSeconds(15));
        foreach (var pidFile in new[] { "pid", "child" })
        {
            var pid = (await File.ReadAllTextAsync(dir.File(pidFile), TestContext.Current.CancellationToken)).Trim();
            (await Eventually.ForAsync(() => !Directory.Exists($"/proc/{pid}") || IsZombie(pid), Timeout, TestContext.Current.CancellationToken))
                .ShouldBeTrue($"{pidFile} {pid} still runs");
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_plugin_printing_binary_garbage_is_unknown_with_the_text_kept()
    {
        using var dir = new TempDir();
        var plugin = Script(dir, "check_garbage", """
            printf '\001\002\003\000\377\376 garbage\n'
            exit 0
            """);

        var result = await RunAsync(plugin, TestContext.Current.CancellationToken);

        result.State.ShouldBe(ServiceState.Unknown);
        result.Output.ShouldStartWith("(the plugin's output is not text) \\x01\\x02\\x03\\x00");
        result.Output.ShouldContain("garbage");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_plugin_crashing_with_an_odd_exit_code_is_unknown_with_its_text()
    {
        using var dir = new TempDir();
        var plugin = Script(dir, "check_crash", """
            echo "Segmentation fault (core dumped) | not=perfdata=at=all"
            exit 139
            """);

        var result = await RunAsync(plugin, TestContext.Current.CancellationToken);

        result.State.ShouldBe(ServiceState.Unknown);
        result.ExitCode.ShouldBe(139);
        result.Output.ShouldBe("(exit code 139 is out of bounds, 0..3 expected; plugin missing or broken?) Segmentation fault (core dumped)");
        result.UnparsedPerfData.ShouldBe("not=perfdata=at=all");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_plugin_killed_by_a_signal_is_unknown_with_what_it_printed()
    {
        using var dir = new TempDir();
        var plugin = Script(dir, "check_segv", """
            echo "OK - about to crash"
            kill -SEGV $$
            """);

        var result = await RunAsync(plugin, TestContext.Current.CancellationToken);

        result.State.ShouldBe(ServiceState.Unknown);
        result.ExitCode.ShouldBe(128 + 11);
        result.Output.ShouldContain("OK - about to crash");
    }

    [Fact(Timeout = 60_000)]
    public async Task Huge_output_is_kept_up_to_the_cap_and_the_plugin_still_finishes()
    {
        using var dir = new TempDir();
        var plugin = Script(dir, "check_chatty", """
            echo "OK - chatty | lines=200000"
            seq 1 200000
            exit 0
            """);

        var result = await RunAsync(plugin, TestContext.Current.CancellationToken);

        result.State.ShouldBe(ServiceState.Ok);
        result.Output.ShouldBe("OK - chatty");
        result.PerfData.Single().Label.ShouldBe("lines");
        result.LongOutput.ShouldStartWith("1\n2\n3\n");
        result.LongOutput.Length.ShouldBeLessThanOrEqualTo(PluginRunner.MaxOutputChars);
    }

    [Fact(Timeout = 60_000)]
    public async Task Multi_line_output_with_quoted_perfdata_labels_is_read_whole()
    {
        using var dir = new TempDir();
        var plugin = Script(dir, "check_queues", """
            echo "QUEUES WARNING - mail is slow | 'queue default'=3;10;20;0; 'it''s'=1s"
            echo "queue default: 3 jobs"
            echo "queue mail: 0 jobs, oldest 95 s | 'queue mail'=0;10;20;0;"
            echo "'oldest job'=95.5s;60;120 'rate/min'=U"
            exit 1
            """);

        var result = await RunAsync(plugin, TestContext.Current.CancellationToken);

        result.State.ShouldBe(ServiceState.Warning);
        result.Output.ShouldBe("QUEUES WARNING - mail is slow");
        result.LongOutput.ShouldBe("queue default: 3 jobs\nqueue mail: 0 jobs, oldest 95 s");
        result.PerfData.ShouldBe(
        [
            new PerfDatum("queue default", 3, "", "10", "20", 0),
            new PerfDatum("it's", 1, "s"),
            new PerfDatum("queue mail", 0, "", "10", "20", 0),
            new PerfDatum("oldest job", 95.5, "s", "60", "120"),
            new PerfDatum("rate/min", null),
        ]);
        result.UnparsedPerfData.ShouldBeNull();
    }

    [Fact(Timeout = 60_000)]
    public async Task A_missing_plugin_is_unknown_and_says_so()
    {
        var result = await RunAsync("/nonexistent/check_nothing -H x", TestContext.Current.CancellationToken);

        result.State.ShouldBe(ServiceState.Unknown);
        result.Output.ShouldStartWith("(cannot run /nonexistent/check_nothing: ");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_shell_command_runs_only_when_asked_and_then_with_pipes()
    {
        var checkDummy = MonitoringPlugins.Require("check_dummy");

        var result = await _runner.RunAsync(PluginCommand.Parse($"{checkDummy} 1 'slow disk' | tr a-z A-Z; exit 1", useShell: true),
            Timeout, TestContext.Current.CancellationToken);

        result.State.ShouldBe(ServiceState.Warning);
        result.Output.ShouldBe("WARNING: SLOW DISK");
    }

    [Fact(Timeout = 60_000)]
    public async Task Plugins_run_with_the_c_locale_so_numbers_have_a_dot()
    {
        using var dir = new TempDir();
        var plugin = Script(dir, "check_locale", """
            echo "OK - locale $LC_ALL | x=$(printf '%.1f' 2.5)"
            """);

        var result = await RunAsync(plugin, TestContext.Current.CancellationToken);

        result.Output.ShouldBe("OK - locale C");
        result.PerfData.Single().Value.ShouldBe(2.5);
    }

    [Fact]
    public void A_missing_plugin_skips_locally_but_fails_under_ci()
    {
        Should.Throw<InvalidOperationException>(() => MonitoringPlugins.Require("check_does_not_exist", "true"))
            .Message.ShouldContain("Fix: bash scripts/deps/monitor.sh");
        Should.Throw<SkipTestException>(() => MonitoringPlugins.Require("check_does_not_exist", null));
    }

    private Task<CheckResult> RunAsync(string commandLine, CancellationToken ct) =>
        _runner.RunAsync(PluginCommand.Parse(commandLine), Timeout, ct);

    private static string Script(TempDir dir, string name, string body)
    {
        var path = dir.Write(name, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static bool IsZombie(string pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }
}
