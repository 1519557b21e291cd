using Slipway.Monitor.Plugins;

namespace Slipway.Monitor.Tests;

public sealed class PluginOutputParserTests
{
    [Theory]
    [InlineData(0, ServiceState.Ok)]
    [InlineData(1, ServiceState.Warning)]
    [InlineData(2, ServiceState.Critical)]
    [InlineData(3, ServiceState.Unknown)]
    [InlineData(4, ServiceState.Unknown)]
    [InlineData(127, ServiceState.Unknown)]
    [InlineData(255, ServiceState.Unknown)]
    [InlineData(-1, ServiceState.Unknown)]
    public void The_exit_code_decides_the_state(int exitCode, ServiceState state)
    {
        PluginOutputParser.Parse(exitCode, "SOMETHING - text").State.ShouldBe(state);
    }

    [Fact]
    public void An_out_of_bounds_exit_code_keeps_the_text_and_says_why_it_is_unknown()
    {
        var result = PluginOutputParser.Parse(127, "sh: 1: check_nothing: not found");

        result.Output.ShouldBe("(exit code 127 is out of bounds, 0..3 expected; plugin missing or broken?) sh: 1: check_nothing: not found");
        result.ExitCode.ShouldBe(127);
    }

    [Fact]
    public void The_first_line_is_text_then_perfdata()
    {
        var result = PluginOutputParser.Parse(0, "PROCS OK: 97 processes | procs=97;500;;0;\n");

        result.Output.ShouldBe("PROCS OK: 97 processes");
        result.LongOutput.ShouldBe("");
        result.PerfData.ShouldBe([new PerfDatum("procs", 97, "", "500", null, 0)]);
    }

    [Fact]
    public void Long_output_and_its_perfdata_follow_the_guidelines_example()
    {
        // The example of the plugin developer guidelines ("Plugin Output for Nagios"), verbatim.
        const string Output = """
            DISK OK - free space: / 3326 MB (56%); | /=2643MB;5948;5958;0;5968
            / 15272 MB (77%);
            /boot 68 MB (69%);
            /home 69357 MB (27%);
            /var/log 819 MB (84%); | /boot=68MB;88;93;0;98
            /home=69357MB;253404;253409;0;253414
            /var/log=818MB;970;975;0;980
            """;

        var result = PluginOutputParser.Parse(0, Output);

        result.Output.ShouldBe("DISK OK - free space: / 3326 MB (56%);");
        result.LongOutput.ShouldBe("/ 15272 MB (77%);\n/boot 68 MB (69%);\n/home 69357 MB (27%);\n/var/log 819 MB (84%);");
        result.PerfData.Select(d => d.Label).ShouldBe(["/", "/boot", "/home", "/var/log"]);
        result.PerfData[3].ShouldBe(new PerfDatum("/var/log", 818, "MB", "970", "975", 0, 980));
        result.UnparsedPerfData.ShouldBeNull();
    }

    [Fact]
    public void Output_without_perfdata_is_just_text()
    {
        var result = PluginOutputParser.Parse(2, "connect to address 127.0.0.1 and port 1: Connection refused\r\n");

        result.Output.ShouldBe("connect to address 127.0.0.1 and port 1: Connection refused");
        result.PerfData.ShouldBeEmpty();
    }

    [Fact]
    public void No_output_is_unknown()
    {
        var result = PluginOutputParser.Parse(0, " \n\n");

        result.State.ShouldBe(ServiceState.Unknown);
        result.Output.ShouldBe("(no output from the plugin, exit code 0)");
    }

    [Fact]
    public void Binary_garbage_is_unknown_and_the_text_is_kept_printable()
    {
        var result = PluginOutputParser.Parse(0, "\u0001\u0002\u0003garbage\u0000\u0004");

        result.State.ShouldBe(ServiceState.Unknown);
        result.Output.ShouldBe("(the plugin's output is not text) \\x01\\x02\\x03garbage\\x00\\x04");
    }

    [Fact]
    public void Bad_perfdata_keeps_the_state_and_the_text()
    {
        var result = PluginOutputParser.Parse(1, "WARNING - slow | time=0.5s speed=fast");

        result.State.ShouldBe(ServiceState.Warning);
        result.PerfData.Single().Label.ShouldBe("time");
        result.UnparsedPerfData.ShouldBe("speed=fast");
    }

    [Fact]
    public void A_pipe_in_long_output_starts_perfdata_for_every_later_line()
    {
        var result = PluginOutputParser.Parse(0, "OK\nline one\nline two | a=1\nb=2 'c d'=3\n");

        result.LongOutput.ShouldBe("line one\nline two");
        result.PerfData.Select(d => d.Label).ShouldBe(["a", "b", "c d"]);
    }
}
