using Slipway.Cli.Commands;
using Slipway.Cli.Infrastructure;
using Slipway.Core.Config;
using Slipway.Remote.Exec;

namespace Slipway.Cli.Tests;

public sealed class ExitCodeTests
{
    private static HostOutcome Outcome(HostStatus status) =>
        new(new HostConfig { Host = "h" }, status, null, TimeSpan.Zero, null, "", "");

    [Theory]
    [InlineData(new[] { HostStatus.Ok, HostStatus.Ok }, ExitCodes.Success)]
    [InlineData(new[] { HostStatus.Ok, HostStatus.Failed }, ExitCodes.CommandFailed)]
    [InlineData(new[] { HostStatus.TimedOut }, ExitCodes.CommandFailed)]
    [InlineData(new[] { HostStatus.Failed, HostStatus.ConnectionFailed }, ExitCodes.ConnectionFailed)]
    [InlineData(new[] { HostStatus.ConnectionFailed, HostStatus.Cancelled }, ExitCodes.Cancelled)]
    public void Exec_exit_code_reflects_the_worst_host(HostStatus[] statuses, int expected) =>
        ExecCommand.ExitCodeFor([.. statuses.Select(Outcome)]).ShouldBe(expected);

    [Theory]
    [InlineData(new[] { "exec", "--no-color" }, null, true)]
    [InlineData(new[] { "exec", "--json" }, null, true)]
    [InlineData(new[] { "exec" }, "1", true)]
    [InlineData(new[] { "exec" }, null, false)]
    [InlineData(new[] { "exec", "--", "ls", "--no-color" }, null, false)]
    public void Colour_is_off_for_no_color_json_or_NO_COLOR_but_not_for_words_of_the_remote_command(
        string[] args, string? noColorVariable, bool expected) =>
        ConsoleFactory.WantsNoColor(args, name => name == "NO_COLOR" ? noColorVariable : null).ShouldBe(expected);
}
