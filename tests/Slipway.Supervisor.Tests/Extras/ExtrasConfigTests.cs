using Slipway.Supervisor.Config;
using Slipway.Testing;

namespace Slipway.Supervisor.Tests.Extras;

public sealed class ExtrasConfigTests
{
    private static SupervisorConfig Read(TempDir dir, string text) =>
        new ConfigReader(new Dictionary<string, string>(), dir.Path, "host1").Read(dir.Write("supervisord.conf", "[supervisord]\n" + text));

    private static string Error(TempDir dir, string text) => Should.Throw<ConfigException>(() => Read(dir, text)).Message;

    [Fact]
    public void Plain_programs_have_no_extras()
    {
        using var dir = new TempDir();
        var p = Read(dir, "[program:a]\ncommand=/bin/true\n").Groups.Single().Processes.Single();
        p.Extras.IsDefault.ShouldBeTrue();
        p.Program.ShouldBe("a");
    }

    [Fact]
    public void Every_extra_is_read()
    {
        using var dir = new TempDir();
        var p = Read(dir, """
            [program:db]
            command=/bin/true
            [program:a]
            command=/bin/true
            depends_on = db , db
            restartdelay=2.5s
            restartdelay_max=60
            backoff_max=30
            fatal_exit=true
            envfile=app.env, -/etc/optional.env
            killtree=yes
            healthcheck=http://127.0.0.1:8080/health
            healthcheck_interval=2
            healthcheck_timeout=0.5
            healthcheck_retries=4
            healthcheck_action=none
            """).Groups.Single(g => g.Name == "a").Processes.Single().Extras;
        p.DependsOn.ShouldBe(["db"]);
        p.RestartDelay.ShouldBe(2.5);
        p.RestartDelayMax.ShouldBe(60);
        p.BackoffMax.ShouldBe(30);
        p.FatalExit.ShouldBeTrue();
        p.EnvFiles.ShouldBe([Path.Combine(dir.Path, "app.env"), "-/etc/optional.env"]);
        p.KillTree.ShouldBeTrue();
        p.HealthCheck.ShouldBe(new HealthCheckConfig(HealthCheckKind.Http, "http://127.0.0.1:8080/health",
            TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(0.5), 4, Restart: false));
    }

    [Theory]
    [InlineData("tcp:127.0.0.1:5432", HealthCheckKind.Tcp, "127.0.0.1:5432")]
    [InlineData("cmd: pg_isready -q", HealthCheckKind.Command, "pg_isready -q")]
    public void Health_check_kinds(string value, HealthCheckKind kind, string target)
    {
        var check = HealthCheckConfig.Parse(value, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), 3, true);
        check.Kind.ShouldBe(kind);
        check.Target.ShouldBe(target);
    }

    [Fact]
    public void A_dependency_on_a_group_means_all_its_programs()
    {
        using var dir = new TempDir();
        var c = Read(dir, """
            [program:w1]
            command=/bin/true
            [program:w2]
            command=/bin/true
            [group:workers]
            programs=w1,w2
            [program:lb]
            command=/bin/true
            depends_on=workers
            """);
        DependencyCheck.Resolve("workers", c.Groups).ShouldBe(["w1", "w2"]);
        DependencyCheck.Resolve("w1", c.Groups).ShouldBe(["w1"]);
    }

    [Fact]
    public void An_unknown_dependency_is_an_error_naming_file_line_section_and_option()
    {
        using var dir = new TempDir();
        Error(dir, "[program:a]\ncommand=/bin/true\ndepends_on=nosuch\n")
            .ShouldBe($"{dir.File("supervisord.conf")}:4: [program:a] depends_on: no program or group named 'nosuch'");
    }

    [Fact]
    public void A_dependency_cycle_is_an_error_that_shows_the_cycle()
    {
        using var dir = new TempDir();
        Error(dir, """
            [program:a]
            command=/bin/true
            depends_on=b
            [program:b]
            command=/bin/true
            depends_on=c
            [program:c]
            command=/bin/true
            depends_on=a
            """).ShouldBe($"{dir.File("supervisord.conf")}:4: [program:a] depends_on: dependency cycle: a -> b -> c -> a");
        Error(dir, "[program:a]\ncommand=/bin/true\ndepends_on=a\n").ShouldEndWith("[program:a] depends_on: dependency cycle: a -> a");
    }

    [Theory]
    [InlineData("healthcheck=ftp://x/", "healthcheck: 'ftp://x/' is not http(s)://HOST:PORT/PATH, tcp:HOST:PORT or cmd:COMMAND")]
    [InlineData("healthcheck=tcp:localhost", "healthcheck: 'tcp:localhost' is not tcp:HOST:PORT")]
    [InlineData("healthcheck=cmd:true\nhealthcheck_retries=0", "healthcheck_retries: must be at least 1")]
    [InlineData("healthcheck_interval=5", "healthcheck_interval: has no effect without healthcheck=")]
    [InlineData("restartdelay=soon", "restartdelay: 'soon' is not a number of seconds")]
    [InlineData("restartdelay=5\nrestartdelay_max=2", "restartdelay_max: must be above 0 and at least restartdelay (5 s)")]
    [InlineData("backoff_max=0", "backoff_max: must be at least 1 (seconds)")]
    [InlineData("depends_on=grp:x", "depends_on: 'grp:x' is not a program or group name")]
    public void Bad_values_are_errors_naming_the_option(string line, string message)
    {
        using var dir = new TempDir();
        Error(dir, "[program:a]\ncommand=/bin/true\n" + line + "\n").ShouldEndWith("[program:a] " + message);
    }
}
