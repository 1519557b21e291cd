using Slipway.Supervisor.Config;
using Slipway.Testing;

namespace Slipway.Supervisor.Tests;

/// <summary><c>[fcgi-program:x]</c>: the socket options and supervisord's errors for them (wording from options.py).</summary>
public sealed class FastCgiConfigTests
{
    private static SupervisorConfig Read(TempDir dir, string text) =>
        new ConfigReader(new Dictionary<string, string> { ["RUN"] = "/run/app" }, dir.Path, "host1")
            .Read(dir.Write("supervisord.conf", "[supervisord]\n" + text));

    private static string Error(TempDir dir, string text) => Should.Throw<ConfigException>(() => Read(dir, text)).Message;

    [Fact]
    public void An_fcgi_program_is_a_group_of_its_processes_with_a_socket()
    {
        using var dir = new TempDir();
        var c = Read(dir, """
            [fcgi-program:web]
            command=/usr/bin/php-cgi
            socket=unix://%(ENV_RUN)s/%(program_name)s.sock
            process_name=%(program_name)s_%(process_num)02d
            numprocs=2
            priority=5
            """);
        var g = c.Groups.Single();
        g.Name.ShouldBe("web");
        g.Priority.ShouldBe(5);
        g.Processes.Select(p => p.Name).ShouldBe(["web_00", "web_01"]);
        g.FastCgi.ShouldNotBeNull();
        g.FastCgi.Url.ShouldBe("unix:///run/app/web.sock");
        g.FastCgi.Path.ShouldBe("/run/app/web.sock");
        g.FastCgi.Mode.ShouldBe(Convert.ToInt32("700", 8));
        g.FastCgi.Backlog.ShouldBe(4096); // SOMAXCONN
        g.FastCgi.Owner.ShouldBeNull();
    }

    [Fact]
    public void A_tcp_socket_lowercases_its_host_and_takes_a_backlog()
    {
        using var dir = new TempDir();
        var s = Read(dir, "[fcgi-program:web]\ncommand=/bin/cat\nsocket=tcp://LocalHost:9000\nsocket_backlog=16\n").Groups.Single().FastCgi!;
        s.Url.ShouldBe("tcp://localhost:9000");
        (s.Host, s.Port, s.Backlog, s.Path, s.Mode).ShouldBe(("localhost", 9000, 16, (string?)null, (int?)null));
    }

    [Fact]
    public void Socket_owner_and_mode_of_a_unix_socket()
    {
        using var dir = new TempDir();
        var s = Read(dir, "[fcgi-program:web]\ncommand=/bin/cat\nsocket=unix:///tmp/w.sock\nsocket_owner=root:root\nsocket_mode=0660\n").Groups.Single().FastCgi!;
        s.Owner.ShouldBe((0, 0));
        s.Mode.ShouldBe(Convert.ToInt32("660", 8));
        Read(dir, "[fcgi-program:web]\ncommand=/bin/cat\nsocket=unix:///tmp/w.sock\nsocket_owner=root\n").Groups.Single().FastCgi!.Owner.ShouldBe((0, -1));
    }

    [Fact]
    public void A_unix_socket_belongs_to_the_programs_user_unless_socket_owner_says_otherwise()
    {
        using var dir = new TempDir();
        var nobody = File.ReadLines("/etc/passwd").Select(l => l.Split(':')).First(f => f[0] == "nobody");
        var expected = (int.Parse(nobody[2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(nobody[3], System.Globalization.CultureInfo.InvariantCulture));
        Read(dir, "[fcgi-program:web]\ncommand=/bin/cat\nuser=nobody\nsocket=unix:///tmp/w.sock\n").Groups.Single().FastCgi!.Owner.ShouldBe(expected);
        Read(dir, "[fcgi-program:web]\ncommand=/bin/cat\nuser=nobody\nsocket=unix:///tmp/w.sock\nsocket_owner=root\n").Groups.Single().FastCgi!.Owner.ShouldBe((0, -1));
    }

    [Fact]
    public void A_missing_socket_is_an_error_naming_the_section()
    {
        using var dir = new TempDir();
        Error(dir, "[fcgi-program:web]\ncommand=/bin/cat\n")
            .ShouldBe($"{dir.File("supervisord.conf")}:2: [fcgi-program:web]: [fcgi-program:web] section requires a \"socket\" line");
    }

    [Theory]
    [InlineData("socket=unix://run/w.sock", "socket: Unix socket path run/w.sock is not an absolute path in [fcgi-program:web] socket")]
    [InlineData("socket=udp://127.0.0.1:9", "socket: Bad socket format udp://127.0.0.1:9 in [fcgi-program:web] socket")]
    [InlineData("socket=tcp://127.0.0.1", "socket: Bad socket format tcp://127.0.0.1 in [fcgi-program:web] socket")]
    [InlineData("socket=tcp://127.0.0.1:99999", "socket: 99999 is above upper bound (65535) in [fcgi-program:web] socket")]
    [InlineData("socket=tcp://127.0.0.1:0", "socket: 0 is below lower bound (1) in [fcgi-program:web] socket")]
    [InlineData("socket=tcp://127.0.0.1:9000\nsocket_mode=0777",
        "socket: socket_owner and socket_mode params should only be used with a Unix domain socket in [fcgi-program:web] socket")]
    [InlineData("socket=tcp://127.0.0.1:9000\nsocket_owner=root",
        "socket: socket_owner and socket_mode params should only be used with a Unix domain socket in [fcgi-program:web] socket")]
    [InlineData("socket=tcp://127.0.0.1:9000\nsocket_backlog=0", "socket_backlog: Invalid socket_backlog value 0")]
    [InlineData("socket=tcp://127.0.0.1:9000\nsocket_backlog=65536", "socket_backlog: Invalid socket_backlog value 65536")]
    [InlineData("socket=unix:///tmp/w.sock\nsocket_owner=nosuchuser", "socket_owner: Invalid socket_owner value nosuchuser")]
    [InlineData("socket=unix:///tmp/w.sock\nsocket_owner=root:nosuchgroup", "socket_owner: Invalid socket_owner value root:nosuchgroup")]
    [InlineData("socket=unix:///tmp/w.sock\nsocket_mode=999", "socket_mode: Invalid socket_mode value 999")]
    public void Bad_socket_options_are_errors_with_supervisords_wording_naming_file_line_and_option(string options, string expected)
    {
        using var dir = new TempDir();
        var message = Error(dir, "[fcgi-program:web]\ncommand=/bin/cat\n" + options + "\n");
        var line = expected.StartsWith("socket:", StringComparison.Ordinal) ? 4 : 5;
        message.ShouldBe($"{dir.File("supervisord.conf")}:{line}: [fcgi-program:web] {expected}");
    }

    [Fact]
    public void The_socket_expands_here_env_and_program_name_only()
    {
        using var dir = new TempDir();
        Read(dir, "[fcgi-program:web]\ncommand=/bin/cat\nsocket=unix://%(here)s/%(program_name)s.sock\n").Groups.Single().FastCgi!.Path
            .ShouldBe(Path.Combine(dir.Path, "web.sock"));
        Error(dir, "[fcgi-program:web]\ncommand=/bin/cat\nsocket=unix:///tmp/%(process_num)s.sock\n").ShouldContain("socket: ");
    }

    [Fact]
    public void Program_options_are_read_as_for_a_program()
    {
        using var dir = new TempDir();
        Error(dir, "[fcgi-program:web]\nsocket=tcp://127.0.0.1:9000\n").ShouldEndWith("program section fcgi-program:web does not specify a command");
        Error(dir, "[fcgi-program:web]\ncommand=/bin/cat\nsocket=tcp://127.0.0.1:9000\nnumprocs=2\n")
            .ShouldEndWith("%(process_num) must be present within process_name when numprocs > 1");
    }

    [Fact]
    public void An_fcgi_program_named_like_a_program_is_an_error()
    {
        // supervisord keeps [program:web] and silently drops the fcgi-program: slipway says so instead.
        using var dir = new TempDir();
        Error(dir, "[program:web]\ncommand=/bin/cat\n[fcgi-program:web]\ncommand=/bin/cat\nsocket=tcp://127.0.0.1:9000\n")
            .ShouldBe($"{dir.File("supervisord.conf")}:4: [fcgi-program:web]: two process groups are named 'web' (the other is [program:web])");
    }

    [Fact]
    public void In_a_group_an_fcgi_program_is_a_plain_program_and_an_ambiguous_name_is_an_error()
    {
        using var dir = new TempDir();
        var c = Read(dir, "[fcgi-program:web]\ncommand=/bin/cat\nsocket=tcp://127.0.0.1:9000\n[group:site]\nprograms=web\n");
        var g = c.Groups.Single();
        (g.Name, g.FastCgi).ShouldBe(("site", (FastCgiSocketConfig?)null));
        g.Processes.Single().Name.ShouldBe("web");

        Error(dir, "[fcgi-program:web]\ncommand=/bin/cat\nsocket=tcp://127.0.0.1:9000\n[program:web]\ncommand=/bin/cat\n[group:site]\nprograms=web\n")
            .ShouldBe($"{dir.File("supervisord.conf")}:8: [group:site] programs: [group:site] name web is ambiguous (exists as program and fcgi-program)");
        Error(dir, "[group:site]\nprograms=nope\n")
            .ShouldBe($"{dir.File("supervisord.conf")}:3: [group:site] programs: [group:site] names unknown program or fcgi-program nope");
    }

    [Fact]
    public void The_socket_url_is_part_of_what_makes_a_group_changed()
    {
        using var dir = new TempDir();
        const string Body = "[fcgi-program:web]\ncommand=/bin/cat\nsocket=tcp://127.0.0.1:";
        var a = Read(dir, Body + "9000\n").Groups.Single();
        var b = Read(dir, Body + "9001\n").Groups.Single();
        var c = Read(dir, Body + "9000\nsocket_backlog=5\n").Groups.Single();
        a.Signature().ShouldNotBe(b.Signature());
        a.Signature().ShouldBe(c.Signature()); // supervisord compares sockets by URL only
    }
}
