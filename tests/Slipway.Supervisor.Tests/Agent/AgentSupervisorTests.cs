using System.Text.Json;
using Slipway.Testing;
using TestDaemon = Slipway.Supervisor.Tests.Compat.Daemon;

namespace Slipway.Supervisor.Tests.Agent;

/// <summary>The agent against slipway supervise.</summary>
public sealed class SlipwayAgentSupervisorTests : AgentSupervisorTests
{
    protected override string Kind => TestDaemon.Slipway;
}

/// <summary>The same tests against Debian's supervisord.</summary>
public sealed class SupervisordAgentSupervisorTests : AgentSupervisorTests
{
    protected override string Kind => TestDaemon.Supervisord;
}

/// <summary>
/// <c>slipway agent supervisor …</c> run as a real process against a real daemon, the way a deploy hook runs it on a
/// host: programs come and go in an included directory and <c>update</c> applies them.
/// </summary>
public abstract class AgentSupervisorTests
{
    protected abstract string Kind { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Programs = """
        [program:steady]
        command=sleep 1001
        startsecs=0

        [include]
        files={dir}/conf.d/*.conf

        """;

    private static async Task<TestDaemon> StartAsync(string kind)
    {
        var d = await TestDaemon.StartAsync(kind, Programs, Ct);
        Directory.CreateDirectory(d.Dir.File("conf.d"));
        return d;
    }

    private static void WriteProgram(TestDaemon d, string name, string body) =>
        File.WriteAllText(d.Dir.File($"conf.d/{name}.conf"), $"[program:{name}]\n{body}\n");

    private static Task<(int ExitCode, string Stdout, string Stderr)> AgentAsync(TestDaemon d, params string[] args) =>
        AgentCli.RunAsync(Ct, ["agent", "supervisor", .. args, "--socket", d.Socket]);

    private static async Task<int> PidAsync(TestDaemon d, string name)
    {
        var (code, output) = await d.CtlAsync(Ct, "pid", name);
        code.ShouldBe(0, output);
        return int.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Update_adds_then_changes_then_removes_a_program_and_waits_until_it_runs()
    {
        await using var d = await StartAsync(Kind);

        WriteProgram(d, "web", "command=sleep 1002\nstartsecs=1");
        var added = await AgentAsync(d, "update");
        added.ExitCode.ShouldBe(0, added.Stderr);
        added.Stdout.ShouldContain("config: added web\nadd web\n");
        (await d.CtlAsync(Ct, "status", "web")).Output.ShouldContain(" RUNNING ", customMessage: "update returns only once the program is RUNNING");
        var firstPid = await PidAsync(d, "web");

        WriteProgram(d, "web", "command=sleep 1003\nstartsecs=1");
        var changed = await AgentAsync(d, "update", "--json");
        changed.ExitCode.ShouldBe(0, changed.Stderr);
        using (var json = JsonDocument.Parse(changed.Stdout))
        {
            json.RootElement.GetProperty("ok").GetBoolean().ShouldBeTrue();
            json.RootElement.GetProperty("changed")[0].GetString().ShouldBe("web");
            json.RootElement.GetProperty("actions").EnumerateArray().Select(a => a.GetString()).ShouldBe(["stop web", "remove web", "add web"]);
            json.RootElement.GetProperty("processes")[0].GetProperty("state").GetString().ShouldBe("RUNNING");
        }

        (await PidAsync(d, "web")).ShouldNotBe(firstPid);
        ProcessTools.CommandLine(await PidAsync(d, "web")).ShouldContain("1003");

        File.Delete(d.Dir.File("conf.d/web.conf"));
        var removed = await AgentAsync(d, "update");
        removed.ExitCode.ShouldBe(0, removed.Stderr);
        removed.Stdout.ShouldContain("config: removed web\nstop web\nremove web\n");
        (await d.CtlAsync(Ct, "status", "web")).Output.ShouldContain("no such process");

        var nothing = await AgentAsync(d, "update");
        nothing.ExitCode.ShouldBe(0, nothing.Stderr);
        nothing.Stdout.ShouldBe("no changes\n");
    }

    [Fact]
    public async Task Update_fails_when_a_program_exits_at_once_and_says_its_state_and_stderr()
    {
        await using var d = await StartAsync(Kind);
        WriteProgram(d, "broken", "command=/bin/sh -c 'echo \"ImproperlyConfigured: SECRET_KEY is missing\" >&2; exit 1'\nstartsecs=1");

        var result = await AgentAsync(d, "update", "--timeout", "30s");

        result.ExitCode.ShouldBe(1);
        result.Stderr.ShouldContain("broken: BACKOFF: Exited too quickly (process log may have details)");
        result.Stderr.ShouldContain("| ImproperlyConfigured: SECRET_KEY is missing");
    }

    [Fact]
    public async Task Update_restarts_a_named_group_and_waits()
    {
        await using var d = await StartAsync(Kind);
        var before = await PidAsync(d, "steady");

        var result = await AgentAsync(d, "update", "--restart", "steady");

        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stdout.ShouldContain("restart steady\n");
        (await PidAsync(d, "steady")).ShouldNotBe(before);

        var unknown = await AgentAsync(d, "update", "--restart", "stedy");
        unknown.ExitCode.ShouldBe(1);
        unknown.Stderr.ShouldContain("no such group: stedy (the supervisor has: steady)");
    }

    [Fact]
    public async Task Restart_waits_for_running_and_a_program_too_slow_to_start_times_out()
    {
        await using var d = await StartAsync(Kind);
        WriteProgram(d, "slow", "command=sleep 1004\nstartsecs=30\nautostart=false");
        (await AgentAsync(d, "update", "--timeout", "1s")).ExitCode.ShouldBe(1); // added but never started: not RUNNING in 1 s

        var before = await PidAsync(d, "steady");
        var ok = await AgentAsync(d, "restart", "steady");
        ok.ExitCode.ShouldBe(0, ok.Stderr);
        ok.Stdout.ShouldContain("steady                           RUNNING   pid ");
        (await PidAsync(d, "steady")).ShouldNotBe(before);

        var slow = await AgentAsync(d, "restart", "slow", "--timeout", "1s");
        slow.ExitCode.ShouldBe(1);
        slow.Stderr.ShouldContain("slow: STARTING (not RUNNING after the timeout)");
    }

    [Fact]
    public async Task Status_json_and_tail_show_what_supervisorctl_shows()
    {
        await using var d = await StartAsync(Kind);
        WriteProgram(d, "talker", "command=/bin/sh -c 'echo hello from talker; echo oops >&2; exec sleep 1005'\nstartsecs=0");
        (await AgentAsync(d, "update")).ExitCode.ShouldBe(0);

        var status = await AgentAsync(d, "status", "--json");
        status.ExitCode.ShouldBe(0, status.Stderr);
        using (var json = JsonDocument.Parse(status.Stdout))
        {
            var processes = json.RootElement.GetProperty("processes").EnumerateArray().ToList();
            processes.Select(p => p.GetProperty("name").GetString()).ShouldBe(["steady", "talker"]);
            processes[0].GetProperty("state").GetString().ShouldBe("RUNNING");
            processes[0].GetProperty("pid").GetInt32().ShouldBe(await PidAsync(d, "steady"));
        }

        var text = await AgentAsync(d, "status");
        TestDaemon.Normalize(text.Stdout).ShouldBe(TestDaemon.Normalize((await d.CtlAsync(Ct, "status")).Output));

        (await Eventually.ForAsync(async () => (await AgentAsync(d, "tail", "talker")).Stdout == "hello from talker\n", TimeSpan.FromSeconds(10), Ct))
            .ShouldBeTrue();
        (await AgentAsync(d, "tail", "talker", "--stderr")).Stdout.ShouldBe("oops\n");
        var missing = await AgentAsync(d, "tail", "nosuch");
        missing.ExitCode.ShouldBe(1);
        missing.Stderr.ShouldContain("BAD_NAME");
    }

    [Fact]
    public async Task An_unreachable_supervisor_exits_3()
    {
        await using var d = await StartAsync(Kind);

        var result = await AgentCli.RunAsync(Ct, "agent", "supervisor", "status", "--socket", d.Dir.File("nosuch.sock"));

        result.ExitCode.ShouldBe(3);
        result.Stderr.ShouldContain("cannot reach the supervisor at unix://" + d.Dir.File("nosuch.sock"));
    }

    [Fact]
    public async Task Http_with_basic_auth_works_and_a_wrong_password_exits_3()
    {
        await using var d = await TestDaemon.StartAsync(Kind, Programs, Ct, user: "ops", password: "s3cret");
        var url = "http://127.0.0.1:" + d.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var ok = await AgentCli.RunAsync(Ct, "agent", "supervisor", "status", "--socket", url, "--username", "ops", "--password", "s3cret");
        ok.ExitCode.ShouldBe(0, ok.Stderr);
        ok.Stdout.ShouldStartWith("steady ");

        var wrong = await AgentCli.RunAsync(Ct, "agent", "supervisor", "status", "--socket", url, "--username", "ops", "--password", "nope");
        wrong.ExitCode.ShouldBe(3);
        wrong.Stderr.ShouldContain("requires authentication and refused these credentials");
    }
}
