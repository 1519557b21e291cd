using Slipway.Supervisor.Daemon;
using Slipway.Supervisor.Native;

namespace Slipway.Supervisor.Tests;

public sealed class LeftoverChildrenTests
{
    private const string Url = "unix:///run/supervisor.sock";

    [Fact]
    public void A_child_is_known_by_SUPERVISOR_ENABLED_and_this_daemons_server_url()
    {
        var env = ProcessTree.ParseEnviron("PATH=/bin\0SUPERVISOR_ENABLED=1\0SUPERVISOR_PROCESS_NAME=web\0SUPERVISOR_SERVER_URL=unix:///run/supervisor.sock\0"u8);
        env["SUPERVISOR_PROCESS_NAME"].ShouldBe("web");
        LeftoverChildren.IsChildOf(env, Url).ShouldBeTrue();
        LeftoverChildren.IsChildOf(env, "unix:///other/supervisor.sock").ShouldBeFalse("another daemon's child is never touched");
        LeftoverChildren.IsChildOf(ProcessTree.ParseEnviron("SUPERVISOR_SERVER_URL=unix:///run/supervisor.sock\0"u8), Url)
            .ShouldBeFalse("without SUPERVISOR_ENABLED=1 it is not a supervised child");
    }

    [Fact]
    public void Environ_parsing_keeps_the_first_of_a_repeated_name_and_values_with_equals_signs()
    {
        var env = ProcessTree.ParseEnviron("A=1\0A=2\0B=x=y\0NOEQUALS\0=novalue\0C="u8);
        env.ShouldBe(new Dictionary<string, string> { ["A"] = "1", ["B"] = "x=y", ["C"] = "" });
    }

    [Fact]
    public void The_main_log_names_each_programs_main_process_not_the_processes_it_started()
    {
        LeftoverChildren.Leftover[] found = [new(100, 1, "family"), new(101, 100, "family"), new(102, 100, "family"), new(200, 1, "alpha")];
        LeftoverChildren.Tops(found).Select(l => l.Pid).ShouldBe([100, 200]);
    }
}
