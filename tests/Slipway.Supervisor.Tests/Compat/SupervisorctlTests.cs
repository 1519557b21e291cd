using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Slipway.Testing;

namespace Slipway.Supervisor.Tests.Compat;

/// <summary>The suite against slipway supervise: it must print what supervisord prints.</summary>
public sealed class SlipwaySupervisorctlTests : SupervisorctlTests
{
    protected override string Kind => Daemon.Slipway;
}

/// <summary>The suite against the Native AOT build of the same daemon (what `slipway supervise` runs when it is installed).</summary>
public sealed class NativeSupervisorctlTests : SupervisorctlTests
{
    protected override string Kind => Daemon.SlipwayNative;
}

/// <summary>The same suite against Debian's supervisord: proves the expectations are supervisord's own.</summary>
public sealed class SupervisordSupervisorctlTests : SupervisorctlTests
{
    protected override string Kind => Daemon.Supervisord;
}

/// <summary>
/// The real supervisorctl against a daemon. Every test runs twice (the two subclasses run in parallel): against
/// Debian's supervisord and against slipway supervise, with the same expected bytes.
/// </summary>
public abstract class SupervisorctlTests
{
    protected abstract string Kind { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Programs = """
        [program:alpha]
        command=sleep 1000
        startsecs=0

        [program:quick]
        command=/bin/sh -c 'echo trying; exit 3'
        startretries=2

        [program:g1]
        command=sleep 1001
        startsecs=0

        [program:g2]
        command=sleep 1002
        startsecs=0

        [group:grp]
        programs=g1,g2

        """;

    [Fact]
    public async Task Status_start_stop_restart_of_a_process_a_group_and_all()
    {
        await using var d = await Daemon.StartAsync(Kind, Programs, Ct);
        await d.WaitForAsync("quick", "FATAL", Ct);
        await d.WaitForAsync("grp:g2", "RUNNING", Ct);

        var status = await d.CtlAsync(Ct, "status");
        Daemon.Normalize(status.Output).ShouldBe("""
            alpha                            RUNNING   pid N, uptime T
            grp:g1                           RUNNING   pid N, uptime T
            grp:g2                           RUNNING   pid N, uptime T
            quick                            FATAL     Exited too quickly (process log may have details)

            """.Replace("\r", "", StringComparison.Ordinal));
        status.Code.ShouldBe(3); // LSB: a program is not running

        (await d.CtlAsync(Ct, "stop", "alpha")).Output.ShouldBe("alpha: stopped\n");
        Daemon.Normalize((await d.CtlAsync(Ct, "status", "alpha")).Output).ShouldBe("alpha                            STOPPED   DATE\n");
        (await d.CtlAsync(Ct, "stop", "alpha")).Output.ShouldBe("alpha: ERROR (not running)\n");
        (await d.CtlAsync(Ct, "start", "alpha")).Output.ShouldBe("alpha: started\n");
        (await d.CtlAsync(Ct, "start", "alpha")).Output.ShouldBe("alpha: ERROR (already started)\n");
        (await d.CtlAsync(Ct, "restart", "alpha")).Output.ShouldBe("alpha: stopped\nalpha: started\n");
        (await d.CtlAsync(Ct, "start", "nosuch")).Output.ShouldBe("nosuch: ERROR (no such process)\n");

        Sorted((await d.CtlAsync(Ct, "stop", "grp:*")).Output).ShouldBe("grp:g1: stopped\ngrp:g2: stopped\n");
        Sorted((await d.CtlAsync(Ct, "start", "grp:*")).Output).ShouldBe("grp:g1: started\ngrp:g2: started\n");
        Sorted((await d.CtlAsync(Ct, "stop", "all")).Output).ShouldBe("alpha: stopped\ngrp:g1: stopped\ngrp:g2: stopped\n");
        Sorted((await d.CtlAsync(Ct, "start", "all")).Output)
            .ShouldBe("alpha: started\ngrp:g1: started\ngrp:g2: started\nquick: ERROR (spawn error)\n");
    }

    [Fact]
    public async Task A_program_that_exits_at_once_is_tried_startretries_plus_one_times_then_fatal()
    {
        await using var d = await Daemon.StartAsync(Kind, Programs, Ct);
        await d.WaitForAsync("quick", "FATAL", Ct);
        var log = await File.ReadAllTextAsync(d.MainLog, Ct);
        log.Split('\n').Count(l => l.Contains("spawned: 'quick'", StringComparison.Ordinal)).ShouldBe(3);
        log.ShouldContain("gave up: quick entered FATAL state, too many start retries too quickly");
        (await d.CtlAsync(Ct, "tail", "quick")).Output.ShouldStartWith("trying\ntrying\ntrying\n");
    }

    [Fact]
    public async Task Backoff_is_shown_while_retrying()
    {
        await using var d = await Daemon.StartAsync(Kind, """
            [program:flappy]
            command=/bin/false
            startretries=1000

            """, Ct);
        // It flips between STARTING and BACKOFF; catch it in BACKOFF and check the whole line.
        const string Expected = "flappy                           BACKOFF   Exited too quickly (process log may have details)\n";
        (await Eventually.ForAsync(async () => (await d.CtlAsync(Ct, "status", "flappy")).Output == Expected, TimeSpan.FromSeconds(20), Ct))
            .ShouldBeTrue();
    }

    [Fact]
    public async Task Pid_of_the_daemon_and_of_a_process()
    {
        await using var d = await Daemon.StartAsync(Kind, Programs, Ct);
        await d.WaitForAsync("alpha", "RUNNING", Ct);
        (await d.CtlAsync(Ct, "pid")).Output.ShouldBe(d.Pid.ToString(CultureInfo.InvariantCulture) + "\n");
        var pid = int.Parse((await d.CtlAsync(Ct, "pid", "alpha")).Output.Trim(), CultureInfo.InvariantCulture);
        (await File.ReadAllTextAsync($"/proc/{pid}/cmdline", Ct)).ShouldBe("sleep\01000\0");
    }

    [Fact]
    public async Task Avail_lists_every_configured_process()
    {
        await using var d = await Daemon.StartAsync(Kind, Programs, Ct);
        (await d.CtlAsync(Ct, "avail")).Output.ShouldBe("""
            alpha                            in use    auto      999:999
            grp:g1                           in use    auto      999:999
            grp:g2                           in use    auto      999:999
            quick                            in use    auto      999:999

            """);
    }

    [Fact]
    public async Task Tail_clear_and_maintail()
    {
        await using var d = await Daemon.StartAsync(Kind, """
            [program:talker]
            command=/bin/sh -c 'echo hello out; echo hello err >&2; exec sleep 1000'
            startsecs=0

            """, Ct);
        await d.WaitForAsync("talker", "RUNNING", Ct);
        (await Eventually.ForAsync(async () => (await d.CtlAsync(Ct, "tail", "talker")).Output == "hello out\n\n", TimeSpan.FromSeconds(10), Ct))
            .ShouldBeTrue();
        (await d.CtlAsync(Ct, "tail", "talker", "stderr")).Output.ShouldBe("hello err\n\n"); // supervisorctl adds a newline
        (await d.CtlAsync(Ct, "tail", "nosuch")).Output.ShouldBe("nosuch: ERROR (no such process name)\n");
        (await d.CtlAsync(Ct, "clear", "talker")).Output.ShouldBe("talker: cleared\n");
        (await d.CtlAsync(Ct, "tail", "talker")).Output.ShouldBe("\n");
        (await d.CtlAsync(Ct, "maintail")).Output.ShouldContain("spawned: 'talker' with pid");
    }

    [Fact]
    public async Task Tail_f_follows_new_output()
    {
        await using var d = await Daemon.StartAsync(Kind, """
            [program:ticker]
            command=/bin/sh -c 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done'
            startsecs=0

            """, Ct);
        await d.WaitForAsync("ticker", "RUNNING", Ct);
        var psi = new System.Diagnostics.ProcessStartInfo(Daemon.Supervisorctl)
        {
            ArgumentList = { "-c", d.ConfigPath, "tail", "-f", "ticker" },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var tail = System.Diagnostics.Process.Start(psi)!;
        var seen = new StringBuilder();
        try
        {
            var reader = tail.StandardOutput;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(20));
            var ticks = new HashSet<string>();
            while (ticks.Count < 3)
            {
                var line = await reader.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("tail -f ended: " + seen);
                seen.AppendLine(line);
                if (line.StartsWith("tick ", StringComparison.Ordinal))
                {
                    ticks.Add(line);
                }
            }
        }
        finally
        {
            tail.Kill();
        }
    }

    [Fact]
    public async Task Tail_f_keeps_following_while_the_log_rotates()
    {
        await using var d = await Daemon.StartAsync(Kind, """
            [program:ticker]
            command=/bin/sh -c 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.05; done'
            startsecs=0
            stdout_logfile={dir}/ticker.log
            stdout_logfile_maxbytes=200
            stdout_logfile_backups=2

            """, Ct);
        await d.WaitForAsync("ticker", "RUNNING", Ct);
        var psi = new System.Diagnostics.ProcessStartInfo(Daemon.Supervisorctl)
        {
            ArgumentList = { "-c", d.ConfigPath, "tail", "-f", "ticker" },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var tail = System.Diagnostics.Process.Start(psi)!;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            var first = -1;
            var last = -1;
            // 200-byte files hold about 20 ticks: seeing 60 more than the first means several rotations were followed.
            while (first < 0 || last < first + 60)
            {
                var line = await tail.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("tail -f ended");
                if (line.StartsWith("tick ", StringComparison.Ordinal) && int.TryParse(line[5..], CultureInfo.InvariantCulture, out var n))
                {
                    first = first < 0 ? n : first;
                    last = Math.Max(last, n);
                }
            }

            File.Exists(d.Dir.File("ticker.log.2")).ShouldBeTrue();
        }
        finally
        {
            tail.Kill();
        }
    }

    [Fact]
    public async Task Shutdown_stops_groups_from_the_highest_priority_number_down()
    {
        await using var d = await Daemon.StartAsync(Kind, """
            [program:first]
            command=sleep 1010
            startsecs=0
            priority=10

            [program:middle]
            command=sleep 1011
            startsecs=0
            priority=500

            [program:last]
            command=sleep 1012
            startsecs=0
            priority=900

            """, Ct);
        await d.WaitForAsync("first", "RUNNING", Ct);
        await d.WaitForAsync("middle", "RUNNING", Ct);
        await d.WaitForAsync("last", "RUNNING", Ct);
        (await d.CtlAsync(Ct, "shutdown")).Output.ShouldBe("Shut down\n");
        (await d.WaitForExitAsync(TimeSpan.FromSeconds(20))).ShouldBeTrue();
        var stopped = (await File.ReadAllLinesAsync(d.MainLog, Ct))
            .Where(l => l.Contains(" stopped: ", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf(" stopped: ", StringComparison.Ordinal) + 10)..].Split(' ')[0]);
        stopped.ShouldBe(["last", "middle", "first"]);
    }

    [Fact]
    public async Task Reload_and_version()
    {
        await using var d = await Daemon.StartAsync(Kind, Programs, Ct);
        await d.WaitForAsync("alpha", "RUNNING", Ct);
        (await d.CtlAsync(Ct, "version")).Output.ShouldBe("4.2.5\n");
        var before = (await d.CtlAsync(Ct, "pid", "alpha")).Output;
        (await d.CtlAsync(Ct, "reload")).Output.ShouldBe("Restarted supervisord\n");
        await AlphaRestartedAsync(d, before);
        (await d.CtlAsync(Ct, "pid")).Output.ShouldBe(d.Pid.ToString(CultureInfo.InvariantCulture) + "\n");
    }

    [Fact]
    public async Task Hup_restarts_the_processes_in_the_same_daemon()
    {
        await using var d = await Daemon.StartAsync(Kind, Programs, Ct);
        await d.WaitForAsync("alpha", "RUNNING", Ct);
        var before = (await d.CtlAsync(Ct, "pid", "alpha")).Output;
        (await ProcessTools.RunAsync("kill", ["-HUP", d.Pid.ToString(CultureInfo.InvariantCulture)], Ct)).ExitCode.ShouldBe(0);
        await AlphaRestartedAsync(d, before);
        (await d.CtlAsync(Ct, "pid")).Output.ShouldBe(d.Pid.ToString(CultureInfo.InvariantCulture) + "\n");
    }

    [Fact]
    public async Task Reread_and_update_after_editing_the_config()
    {
        await using var d = await Daemon.StartAsync(Kind, Programs, Ct);
        await d.WaitForAsync("alpha", "RUNNING", Ct);
        var text = await File.ReadAllTextAsync(d.ConfigPath, Ct);
        text = text.Replace("[program:alpha]\ncommand=sleep 1000\n", "[program:beta]\ncommand=sleep 1003\n", StringComparison.Ordinal)
            .Replace("command=sleep 1002", "command=sleep 1004", StringComparison.Ordinal);
        await File.WriteAllTextAsync(d.ConfigPath, text, Ct);
        (await d.CtlAsync(Ct, "reread")).Output.ShouldBe("alpha: disappeared\nbeta: available\ngrp: changed\n");
        (await d.CtlAsync(Ct, "update")).Output.ShouldBe(
            "alpha: stopped\nalpha: removed process group\ngrp: stopped\ngrp: updated process group\nbeta: added process group\n");
        await d.WaitForAsync("beta", "RUNNING", Ct);
        await d.WaitForAsync("grp:g2", "RUNNING", Ct);
        var status = Daemon.Normalize((await d.CtlAsync(Ct, "status")).Output);
        status.ShouldNotContain("alpha");
        var pid = int.Parse((await d.CtlAsync(Ct, "pid", "grp:g2")).Output.Trim(), CultureInfo.InvariantCulture);
        (await File.ReadAllTextAsync($"/proc/{pid}/cmdline", Ct)).ShouldBe("sleep\01004\0");
    }

    [Fact]
    public async Task Reread_of_a_program_without_a_command_gives_supervisords_CANT_REREAD_text()
    {
        await using var d = await Daemon.StartAsync(Kind, Programs, Ct);
        await d.WaitForAsync("alpha", "RUNNING", Ct);
        await File.AppendAllTextAsync(d.ConfigPath, "\n[program:broken]\nstartsecs=0\n", Ct);

        var reread = await d.CtlAsync(Ct, "reread");

        reread.Output.Trim().ShouldBe(
            $"ERROR: CANT_REREAD: program section program:broken does not specify a command in section 'program:broken' (file: '{d.ConfigPath}')");
    }

    [Fact]
    public async Task The_main_log_says_what_supervisord_says_at_start_and_while_a_stop_escalates_to_SIGKILL()
    {
        await using var d = await Daemon.StartAsync(Kind, """
            [program:stubborn]
            command=/bin/bash -c 'trap "" TERM; echo ready; while true; do sleep 0.1; done'
            startsecs=0
            stopwaitsecs=3

            """, Ct);
        await d.WaitForAsync("stubborn", "RUNNING", Ct);
        var pid = (await d.CtlAsync(Ct, "pid", "stubborn")).Output.Trim();

        (await d.CtlAsync(Ct, "stop", "stubborn")).Output.ShouldBe("stubborn: stopped\n");

        var log = await File.ReadAllLinesAsync(d.MainLog, Ct);
        log.ShouldContain(l => l.EndsWith(" INFO RPC interface 'supervisor' initialized", StringComparison.Ordinal));
        log.ShouldContain(l => l.EndsWith($" INFO supervisord started with pid {d.Pid.ToString(CultureInfo.InvariantCulture)}", StringComparison.Ordinal));
        var waiting = log.Count(l => l.EndsWith(" INFO waiting for stubborn to stop", StringComparison.Ordinal));
        waiting.ShouldBeInRange(1, 3); // at once, then at most every 2 s of the 3 s stop wait
        var killing = Array.FindIndex(log, l => l.EndsWith($" WARN killing 'stubborn' ({pid}) with SIGKILL", StringComparison.Ordinal));
        killing.ShouldBeGreaterThan(Array.FindIndex(log, l => l.EndsWith(" INFO waiting for stubborn to stop", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Signal_reaches_the_program()
    {
        await using var d = await Daemon.StartAsync(Kind, """
            [program:trapper]
            command=/bin/bash -c 'trap "echo got usr1" USR1; echo ready; while true; do sleep 0.1; done'
            startsecs=0

            """, Ct);
        await d.WaitForAsync("trapper", "RUNNING", Ct);
        (await Eventually.ForAsync(async () => (await d.CtlAsync(Ct, "tail", "trapper")).Output == "ready\n\n", TimeSpan.FromSeconds(10), Ct))
            .ShouldBeTrue();
        (await d.CtlAsync(Ct, "signal", "USR1", "trapper")).Output.ShouldBe("trapper: signalled\n");
        (await Eventually.ForAsync(async () => (await d.CtlAsync(Ct, "tail", "trapper")).Output.Contains("got usr1", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), Ct)).ShouldBeTrue();
        (await d.CtlAsync(Ct, "signal", "BOGUS", "trapper")).Output.ShouldBe("trapper: ERROR (bad signal name)\n");
    }

    [Fact]
    public async Task Stopasgroup_leaves_no_orphan()
    {
        await using var d = await Daemon.StartAsync(Kind, """
            [program:family]
            command=/bin/bash -c 'sleep 1005 & sleep 1006 & wait'
            startsecs=0
            stopasgroup=true

            """, Ct);
        await d.WaitForAsync("family", "RUNNING", Ct);
        var pid = int.Parse((await d.CtlAsync(Ct, "pid", "family")).Output.Trim(), CultureInfo.InvariantCulture);
        (await Eventually.ForAsync(() => ProcessTools.Descendants(pid).Count == 2, TimeSpan.FromSeconds(10), Ct)).ShouldBeTrue();
        var children = ProcessTools.Descendants(pid);
        (await d.CtlAsync(Ct, "stop", "family")).Output.ShouldBe("family: stopped\n");
        (await Eventually.ForAsync(() => children.All(c => !Directory.Exists($"/proc/{c}") || IsZombie(c)), TimeSpan.FromSeconds(10), Ct))
            .ShouldBeTrue();
    }

    [Fact]
    public async Task Tcp_with_basic_auth_and_a_wrong_password()
    {
        await using var d = await Daemon.StartAsync(Kind, Programs, Ct, user: "admin", password: "s3cret");
        await d.WaitForAsync("alpha", "RUNNING", Ct);
        var ok = await d.CtlTcpAsync("admin", "s3cret", Ct, "status", "alpha");
        Daemon.Normalize(ok.Output).ShouldBe("alpha                            RUNNING   pid N, uptime T\n");
        var bad = await d.CtlTcpAsync("admin", "wrong", Ct, "status", "alpha");
        bad.Output.ShouldStartWith("Server requires authentication\nerror: <class 'xmlrpc.client.ProtocolError'>, <ProtocolError for 127.0.0.1/RPC2: 401 Unauthorized>");
        var none = await d.CtlTcpAsync(null, null, Ct, "status");
        none.Output.ShouldStartWith("Server requires authentication\n");
        (await d.CtlTcpAsync("admin", "s3cret", Ct, "stop", "alpha")).Output.ShouldBe("alpha: stopped\n");
    }

    [Fact]
    public async Task A_malformed_xmlrpc_body_gets_an_error_and_the_daemon_carries_on()
    {
        await using var d = await Daemon.StartAsync(Kind, Programs, Ct);
        (await RawRpcAsync(d, "this is <not xml")).ShouldStartWith("HTTP/1.1 400");
        var unknown = await RawRpcAsync(d, "<?xml version='1.0'?><methodCall><methodName>supervisor.noSuchThing</methodName><params/></methodCall>");
        unknown.ShouldStartWith("HTTP/1.1 200");
        unknown.ShouldContain("<int>1</int>");
        unknown.ShouldContain("UNKNOWN_METHOD");
        var wrongArgs = await RawRpcAsync(d, "<?xml version='1.0'?><methodCall><methodName>supervisor.getPID</methodName><params><param><value><int>1</int></value></param></params></methodCall>");
        wrongArgs.ShouldContain("<int>2</int>");
        wrongArgs.ShouldContain("INCORRECT_PARAMETERS");
        (await d.CtlAsync(Ct, "pid")).Output.ShouldBe(d.Pid.ToString(CultureInfo.InvariantCulture) + "\n");
    }

    [Fact]
    public async Task Shutdown_stops_every_child_and_the_daemon()
    {
        await using var d = await Daemon.StartAsync(Kind, Programs, Ct);
        await d.WaitForAsync("grp:g2", "RUNNING", Ct);
        var pids = new List<int>();
        foreach (var name in new[] { "alpha", "grp:g1", "grp:g2" })
        {
            pids.Add(int.Parse((await d.CtlAsync(Ct, "pid", name)).Output.Trim(), CultureInfo.InvariantCulture));
        }

        (await d.CtlAsync(Ct, "shutdown")).Output.ShouldBe("Shut down\n");
        (await d.WaitForExitAsync(TimeSpan.FromSeconds(20))).ShouldBeTrue();
        pids.ShouldAllBe(p => !Directory.Exists($"/proc/{p}") || IsZombie(p));
    }

    [Fact]
    public async Task A_hundred_processes_are_all_listed_and_a_large_reply_has_its_exact_length()
    {
        // More processes than slipway sends in one piece: its reply is measured, then written in parts.
        await using var d = await Daemon.StartAsync(Kind, """
            [program:many]
            command=sleep 1000
            process_name=many_%(process_num)03d
            numprocs=100
            startsecs=0

            """, Ct);
        string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var all = await Eventually.ForAsync(async () => Lines((await d.CtlAsync(Ct, "status")).Output).Count(l => l.Contains(" RUNNING ", StringComparison.Ordinal)) == 100,
            TimeSpan.FromSeconds(30), Ct);
        all.ShouldBeTrue($"{Kind}: {(await d.CtlAsync(Ct, "status")).Output}");
        var status = Lines((await d.CtlAsync(Ct, "status")).Output);
        status.Length.ShouldBe(100);
        status[0].ShouldStartWith("many:many_000 ");
        status[99].ShouldStartWith("many:many_099 ");
        Lines((await d.CtlAsync(Ct, "avail")).Output).Length.ShouldBe(100);

        var raw = await RawRpcAsync(d, "<?xml version='1.0'?><methodCall><methodName>supervisor.getAllProcessInfo</methodName><params></params></methodCall>");
        var split = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var length = System.Text.RegularExpressions.Regex.Match(raw[..split], @"Content-Length: (\d+)").Groups[1].Value;
        var body = raw[(split + 4)..];
        Encoding.UTF8.GetByteCount(body).ShouldBe(int.Parse(length, CultureInfo.InvariantCulture));
        body.ShouldEndWith("</methodResponse>\n");
        System.Text.RegularExpressions.Regex.Count(body, "RUNNING").ShouldBe(100);
    }

    private static async Task<string> RawRpcAsync(Daemon d, string body)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(d.Socket), Ct);
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = $"POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request).Concat(bytes).ToArray(), SocketFlags.None, Ct);
        var response = new MemoryStream();
        var buffer = new byte[8192];
        int n;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
        {
            await response.WriteAsync(buffer.AsMemory(0, n), Ct);
        }

        return Encoding.UTF8.GetString(response.ToArray());
    }

    private static bool IsZombie(int pid)
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

    private static string Sorted(string output) =>
        string.Concat(output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).Select(l => l + "\n"));

    /// <summary>After a restart of the daemon: alpha runs again with a new pid (what it says when not, for the log).</summary>
    private static async Task AlphaRestartedAsync(Daemon d, string before)
    {
        var last = (Code: 0, Output: "");
        (await Eventually.ForAsync(async () =>
        {
            last = await d.CtlAsync(Ct, "pid", "alpha");
            return last.Code == 0 && last.Output != before && last.Output.Trim() != "0";
        }, TimeSpan.FromSeconds(30), Ct)).ShouldBeTrue(
            $"alpha was {before.Trim()} before the restart; `pid alpha` last said ({last.Code}) {last.Output.Trim()}; " +
            $"daemon exited: {d.HasExited}{(d.HasExited ? " with " + d.ExitCode : "")}; main log:\n{Tail(d.MainLog)}");
    }

    private static string Tail(string file)
    {
        try
        {
            return string.Join('\n', File.ReadAllLines(file).TakeLast(30));
        }
        catch (IOException e)
        {
            return "(unreadable: " + e.Message + ")";
        }
    }
}
