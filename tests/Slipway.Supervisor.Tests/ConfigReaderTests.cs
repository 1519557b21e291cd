using Slipway.Supervisor.Config;
using Slipway.Testing;

namespace Slipway.Supervisor.Tests;

public sealed class ConfigReaderTests
{
    private static SupervisorConfig Read(TempDir dir, string text, Dictionary<string, string>? env = null)
    {
        var path = dir.Write("supervisord.conf", text);
        return new ConfigReader(env ?? new Dictionary<string, string> { ["USER"] = "deploy" }, dir.Path, "host1").Read(path);
    }

    [Fact]
    public void Defaults_match_supervisord()
    {
        using var dir = new TempDir();
        var c = Read(dir, "[supervisord]\n[program:a]\ncommand=/bin/true\n");
        var p = c.Groups.Single().Processes.Single();
        p.Name.ShouldBe("a");
        p.Priority.ShouldBe(999);
        p.AutoStart.ShouldBeTrue();
        p.AutoRestart.ShouldBe(AutoRestart.Unexpected);
        p.StartSecs.ShouldBe(1);
        p.StartRetries.ShouldBe(3);
        p.ExitCodes.ShouldBe([0]);
        p.StopSignal.ShouldBe(15);
        p.StopWaitSecs.ShouldBe(10);
        p.Stdout.IsAuto.ShouldBeTrue();
        p.Stdout.MaxBytes.ShouldBe(50L * 1024 * 1024);
        p.Stdout.Backups.ShouldBe(10);
        c.Daemon.LogFile.ShouldBe(Path.Combine(dir.Path, "supervisord.log"));
        c.Daemon.Umask.ShouldBe(Convert.ToInt32("022", 8));
        c.Daemon.MinFds.ShouldBe(1024);
        c.Daemon.MinProcs.ShouldBe(200);
        c.HasRpcInterface.ShouldBeFalse();
    }

    [Fact]
    public void Minfds_and_minprocs_are_read_and_a_bad_one_is_named()
    {
        using var dir = new TempDir();
        var c = Read(dir, "[supervisord]\nminfds=4096\nminprocs=500\n");
        (c.Daemon.MinFds, c.Daemon.MinProcs).ShouldBe((4096, 500));
        var e = Should.Throw<ConfigException>(() => Read(dir, "[supervisord]\nminfds=lots\n"));
        e.Message.ShouldBe($"{dir.File("supervisord.conf")}:2: [supervisord] minfds: not an integer: 'lots'");
    }

    [Fact]
    public void Numprocs_expands_names_and_group_and_env()
    {
        using var dir = new TempDir();
        var c = Read(dir, """
            [supervisord]
            [program:web]
            command=/bin/echo %(program_name)s %(process_num)d %(ENV_USER)s %(host_node_name)s %(group_name)s
            process_name=%(program_name)s_%(process_num)02d
            numprocs=2
            numprocs_start=4
            stdout_logfile=%(here)s/%(program_name)s-%(process_num)s.log
            """);
        var g = c.Groups.Single();
        g.Name.ShouldBe("web");
        g.Processes.Select(p => p.Name).ShouldBe(["web_04", "web_05"]);
        g.Processes[1].Command.ShouldBe("/bin/echo web 5 deploy host1 web");
        g.Processes[0].Stdout.File.ShouldBe(Path.Combine(dir.Path, "web-4.log"));
    }

    [Fact]
    public void Numprocs_without_process_num_is_an_error_naming_the_option()
    {
        using var dir = new TempDir();
        var e = Should.Throw<ConfigException>(() => Read(dir, "[supervisord]\n[program:w]\ncommand=/bin/true\nnumprocs=2\n"));
        e.Message.ShouldContain("supervisord.conf:2: [program:w]");
        e.Message.ShouldContain("%(process_num) must be present within process_name when numprocs > 1");
    }

    [Fact]
    public void Bad_values_name_file_line_section_and_option()
    {
        using var dir = new TempDir();
        var e = Should.Throw<ConfigException>(() => Read(dir, "[supervisord]\n[program:w]\ncommand=/bin/true\nstartsecs=soon\n"));
        e.Message.ShouldBe($"{dir.File("supervisord.conf")}:4: [program:w] startsecs: not an integer: 'soon'");
    }

    [Fact]
    public void Groups_take_over_their_programs_and_sort_by_priority()
    {
        using var dir = new TempDir();
        var c = Read(dir, """
            [supervisord]
            [program:a]
            command=/bin/true
            [program:b]
            command=/bin/true
            priority=5
            [program:z]
            command=/bin/true
            [group:g]
            programs=a,b
            priority=100
            """);
        c.Groups.Select(g => g.Name).ShouldBe(["g", "z"]);
        c.Groups[0].Processes.Select(p => p.Name).ShouldBe(["a", "b"]);
    }

    [Fact]
    public void Includes_are_globbed_relative_to_the_file_in_sorted_order()
    {
        using var dir = new TempDir();
        dir.Write("conf.d/b.conf", "[program:b]\ncommand=/bin/true\n");
        dir.Write("conf.d/a.conf", "[program:a]\ncommand=%(here)s/run\n");
        var c = Read(dir, "[supervisord]\n[include]\nfiles = conf.d/*.conf\n");
        c.Groups.Select(g => g.Name).ShouldBe(["a", "b"]);
        c.Groups[0].Processes[0].Command.ShouldBe(Path.Combine(dir.Path, "conf.d") + "/run");
    }

    [Fact]
    public void Stopasgroup_without_killasgroup_is_refused()
    {
        using var dir = new TempDir();
        Should.Throw<ConfigException>(() => Read(dir, "[supervisord]\n[program:w]\ncommand=/bin/true\nstopasgroup=true\nkillasgroup=false\n"))
            .Message.ShouldContain("Cannot set stopasgroup=true and killasgroup=false");
    }

    [Fact]
    public void Servers_and_credentials()
    {
        using var dir = new TempDir();
        var c = Read(dir, "[supervisord]\n[unix_http_server]\nfile=%(here)s/s.sock\nchmod=0770\n[inet_http_server]\nport=127.0.0.1:9001\nusername=u\npassword={SHA}ab\n[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory=x\n");
        c.UnixServer.ShouldBe(new UnixServerOptions(dir.File("s.sock"), Convert.ToInt32("770", 8), null, null, null));
        c.InetServer.ShouldBe(new InetServerOptions("127.0.0.1", 9001, "u", "{SHA}ab"));
        c.HasRpcInterface.ShouldBeTrue();
        Should.Throw<ConfigException>(() => Read(dir, "[supervisord]\n[inet_http_server]\nport=9001\nusername=u\n"))
            .Message.ShouldContain("must specify both username and password");
    }
}
