using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Slipway.Testing;

namespace Slipway.Supervisor.Tests.Compat;

public sealed class SlipwayFastCgiTests : FastCgiTests
{
    protected override string Kind => Daemon.Slipway;

    [Fact]
    public async Task A_socket_that_cannot_be_bound_when_a_child_starts_is_a_spawn_error_and_the_process_goes_fatal()
    {
        // supervisord lets this exception escape: startProcess answers 500 and, from its main loop, the daemon dies
        // (leaving its children behind). slipway reports it as a spawn error, as for a command that cannot run.
        var port = Daemon.FreePort();
        await using var d = await Daemon.StartAsync(Kind, $"""
            [fcgi-program:web]
            command=python3 {"{dir}"}/fcgi.py
            socket=tcp://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}
            autostart=false
            startretries=1

            """, Ct, prepare: dir => dir.Write("fcgi.py", Script));
        using var squatter = new TcpListener(IPAddress.Loopback, port);
        squatter.Start();

        (await d.CtlAsync(Ct, "start", "web")).Output.ShouldBe("web: ERROR (spawn error)\n");
        await d.WaitForAsync("web", "FATAL", Ct);
        (await d.CtlAsync(Ct, "status", "web")).Output.ShouldBe(
            $"web                              FATAL     Could not create FastCGI socket tcp://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}: [Errno 98] Address already in use\n");
        (await File.ReadAllTextAsync(d.MainLog, Ct)).ShouldContain("spawnerr: Could not create FastCGI socket");

        squatter.Stop();
        (await d.CtlAsync(Ct, "start", "web")).Output.ShouldBe("web: started\n");
        (await AskAsync(new IPEndPoint(IPAddress.Loopback, port))).ShouldBe((await d.CtlAsync(Ct, "pid", "web")).Output.Trim());
    }

    [Fact]
    public async Task Update_says_why_an_fcgi_program_whose_socket_cannot_be_bound_was_not_added()
    {
        // supervisord answers addProcessGroup with 500 Internal Server Error here; slipway with a FAILED fault.
        await using var d = await Daemon.StartAsync(Kind, "", Ct);
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        await File.AppendAllTextAsync(d.ConfigPath, $"[fcgi-program:web]\ncommand=sleep 1000\nsocket=tcp://127.0.0.1:{port}\n", Ct);

        (await d.CtlAsync(Ct, "reread")).Output.ShouldBe("web: available\n");
        var update = await d.CtlAsync(Ct, "update");
        update.Output.ShouldContain($"FAILED: Could not create FastCGI socket tcp://127.0.0.1:{port}: [Errno 98] Address already in use");
        (await d.CtlAsync(Ct, "status")).Output.ShouldBe("");

        squatter.Stop();
        (await d.CtlAsync(Ct, "update")).Output.ShouldBe("web: added process group\n");
        await d.WaitForAsync("web", "RUNNING", Ct);
    }
}

public sealed class NativeFastCgiTests : FastCgiTests
{
    protected override string Kind => Daemon.SlipwayNative;
}

public sealed class SupervisordFastCgiTests : FastCgiTests
{
    protected override string Kind => Daemon.Supervisord;
}

/// <summary>
/// <c>[fcgi-program:x]</c> against a real daemon: the processes of the group share one listening socket the daemon
/// made, as their fd 0; it lives while any of them does. The same tests run against Debian's supervisord.
/// </summary>
public abstract class FastCgiTests
{
    protected abstract string Kind { get; }

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A FastCGI-style worker: accept() on fd 0, answer each connection with its pid.</summary>
    protected const string Script = """
        import os, socket
        s = socket.socket(fileno=0)
        print("accepting on fd 0 (%s)" % s.family.name, flush=True)
        while True:
            c, _ = s.accept()
            c.sendall(b"%d" % os.getpid())
            c.close()

        """;

    private const string Programs = """
        [fcgi-program:web]
        command=python3 {dir}/fcgi.py
        socket=unix://{dir}/%(program_name)s.sock
        process_name=%(program_name)s_%(process_num)02d
        numprocs=2
        startsecs=0

        """;

    [Fact]
    public async Task Numprocs_children_share_one_socket_on_fd_0_which_closes_when_the_group_stops_and_reopens_when_it_starts()
    {
        await using var d = await Daemon.StartAsync(Kind, Programs, Ct, prepare: dir => dir.Write("fcgi.py", Script));
        var socket = d.Dir.File("web.sock");
        await d.WaitForAsync("web:web_00", "RUNNING", Ct);
        await d.WaitForAsync("web:web_01", "RUNNING", Ct);
        Daemon.Normalize((await d.CtlAsync(Ct, "status")).Output).ShouldBe("""
            web:web_00                       RUNNING   pid N, uptime T
            web:web_01                       RUNNING   pid N, uptime T

            """);
        (await d.CtlAsync(Ct, "avail")).Output.ShouldBe("""
            web:web_00                       in use    auto      999:999
            web:web_01                       in use    auto      999:999

            """);
        (await d.CtlAsync(Ct, "tail", "web:web_01")).Output.ShouldBe("accepting on fd 0 (AF_UNIX)\n\n"); // supervisorctl adds a newline
        var pid0 = (await d.CtlAsync(Ct, "pid", "web:web_00")).Output.Trim();
        var pid1 = (await d.CtlAsync(Ct, "pid", "web:web_01")).Output.Trim();
        new[] { pid0, pid1 }.ShouldContain(await AskAsync(new UnixDomainSocketEndPoint(socket)));
        File.GetUnixFileMode(socket).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); // socket_mode=0700

        // One child stopped: the other still holds the socket and answers every connection.
        (await d.CtlAsync(Ct, "stop", "web:web_00")).Output.ShouldBe("web:web_00: stopped\n");
        (await AskAsync(new UnixDomainSocketEndPoint(socket))).ShouldBe(pid1);
        (await AskAsync(new UnixDomainSocketEndPoint(socket))).ShouldBe(pid1);

        // The whole group stopped: the socket is closed.
        (await d.CtlAsync(Ct, "stop", "web:*")).Output.ShouldBe("web:web_01: stopped\n");
        var refused = await Should.ThrowAsync<SocketException>(() => AskAsync(new UnixDomainSocketEndPoint(socket)));
        if (Kind == Daemon.Supervisord)
        {
            // supervisord leaves the dead socket file behind (socket_manager closes without unlinking).
            refused.SocketErrorCode.ShouldBe(SocketError.ConnectionRefused);
            File.Exists(socket).ShouldBeTrue();
        }
        else
        {
            File.Exists(socket).ShouldBeFalse("slipway removes the socket file when it closes the socket");
        }

        // Started again: a fresh socket, shared by the new children.
        var started = (await d.CtlAsync(Ct, "start", "web:*")).Output;
        started.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ShouldBe(["web:web_00: started", "web:web_01: started"]);
        pid0 = (await d.CtlAsync(Ct, "pid", "web:web_00")).Output.Trim();
        pid1 = (await d.CtlAsync(Ct, "pid", "web:web_01")).Output.Trim();
        new[] { pid0, pid1 }.ShouldContain(await AskAsync(new UnixDomainSocketEndPoint(socket)));
    }

    [Fact]
    public async Task A_tcp_socket_is_bound_for_the_group_and_a_child_has_no_other_stdin()
    {
        var port = Daemon.FreePort();
        await using var d = await Daemon.StartAsync(Kind, $"""
            [fcgi-program:api]
            command=python3 {"{dir}"}/fcgi.py
            socket=tcp://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}
            startsecs=0

            """, Ct, prepare: dir => dir.Write("fcgi.py", Script));
        await d.WaitForAsync("api", "RUNNING", Ct);
        var pid = (await d.CtlAsync(Ct, "pid", "api")).Output.Trim();
        (await AskAsync(new IPEndPoint(IPAddress.Loopback, port))).ShouldBe(pid);
        (await d.CtlAsync(Ct, "tail", "api")).Output.ShouldBe("accepting on fd 0 (AF_INET)\n\n");
        File.ResolveLinkTarget($"/proc/{pid}/fd/0", returnFinalTarget: false)!.FullName.ShouldStartWith("/proc/" + pid + "/fd/socket:[");
        (await File.ReadAllTextAsync(d.MainLog, Ct)).ShouldContain($"Creating socket tcp://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");

        (await d.CtlAsync(Ct, "stop", "api")).Output.ShouldBe("api: stopped\n");
        (await Should.ThrowAsync<SocketException>(() => AskAsync(new IPEndPoint(IPAddress.Loopback, port)))).SocketErrorCode
            .ShouldBe(SocketError.ConnectionRefused);
        (await File.ReadAllTextAsync(d.MainLog, Ct)).ShouldContain($"Closing socket tcp://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
    }

    [Fact]
    public async Task A_socket_that_cannot_be_bound_at_start_up_stops_the_daemon_before_any_process_starts()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        using var dir = new TempDir("slipway-sv-");
        var config = dir.Write("supervisord.conf", Daemon.Header(dir, Daemon.FreePort()) + $"""
            [program:other]
            command=sleep 1000

            [fcgi-program:web]
            command=sleep 1000
            socket=tcp://127.0.0.1:{port}

            """);
        using var process = System.Diagnostics.Process.Start(Daemon.StartInfo(Kind, config, dir))!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Kind} kept running although tcp://127.0.0.1:{port} is taken");
        }

        // supervisord dies with a traceback ending in this ValueError; slipway prints "Error: " and the same words.
        process.ExitCode.ShouldBe(1);
        (await stdout + await stderr).ShouldContain($"Could not create FastCGI socket tcp://127.0.0.1:{port}: [Errno 98] Address already in use");
        (await File.ReadAllTextAsync(dir.File("supervisord.log"), Ct)).ShouldNotContain("spawned:");
    }

    [Fact]
    public async Task Reread_and_update_add_an_fcgi_program_and_a_new_socket_url_changes_the_group()
    {
        var (before, after) = (Daemon.FreePort(), Daemon.FreePort());
        await using var d = await Daemon.StartAsync(Kind, $"""
            [fcgi-program:web]
            command=python3 {"{dir}"}/fcgi.py
            socket=tcp://127.0.0.1:{before.ToString(CultureInfo.InvariantCulture)}
            startsecs=0

            """, Ct, prepare: dir => dir.Write("fcgi.py", Script));
        await d.WaitForAsync("web", "RUNNING", Ct);
        var text = (await File.ReadAllTextAsync(d.ConfigPath, Ct))
            .Replace($":{before.ToString(CultureInfo.InvariantCulture)}\n", $":{after.ToString(CultureInfo.InvariantCulture)}\nsocket_backlog=8\n", StringComparison.Ordinal)
            + $"[fcgi-program:api]\ncommand=python3 {d.Dir.File("fcgi.py")}\nsocket=unix://{d.Dir.File("api.sock")}\nstartsecs=0\n";
        await File.WriteAllTextAsync(d.ConfigPath, text, Ct);

        (await d.CtlAsync(Ct, "reread")).Output.ShouldBe("api: available\nweb: changed\n");
        (await d.CtlAsync(Ct, "update")).Output.ShouldBe("web: stopped\nweb: updated process group\napi: added process group\n");
        await d.WaitForAsync("web", "RUNNING", Ct);
        await d.WaitForAsync("api", "RUNNING", Ct);
        (await AskAsync(new IPEndPoint(IPAddress.Loopback, after))).ShouldBe((await d.CtlAsync(Ct, "pid", "web")).Output.Trim());
        (await AskAsync(new UnixDomainSocketEndPoint(d.Dir.File("api.sock")))).ShouldBe((await d.CtlAsync(Ct, "pid", "api")).Output.Trim());
        (await Should.ThrowAsync<SocketException>(() => AskAsync(new IPEndPoint(IPAddress.Loopback, before)))).SocketErrorCode
            .ShouldBe(SocketError.ConnectionRefused);
    }

    /// <summary>Connects and reads the worker's answer (its pid).</summary>
    protected static async Task<string> AskAsync(EndPoint endpoint)
    {
        using var client = new Socket(endpoint.AddressFamily, SocketType.Stream, endpoint is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(endpoint, timeout.Token);
        var buffer = new byte[64];
        var answer = new StringBuilder();
        int n;
        while ((n = await client.ReceiveAsync(buffer, timeout.Token)) > 0)
        {
            answer.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        return answer.ToString();
    }
}
