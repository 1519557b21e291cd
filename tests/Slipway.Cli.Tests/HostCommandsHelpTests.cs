using Slipway.Cli.Tests.Support;
using Slipway.Testing;

namespace Slipway.Cli.Tests;

/// <summary>Help of setup/ps/restart and of the hidden agent commands.</summary>
public sealed class HostCommandsHelpTests
{
    [Theory]
    [InlineData("setup", new[] { "setup", "--help" })]
    [InlineData("ps", new[] { "ps", "--help" })]
    [InlineData("restart", new[] { "restart", "--help" })]
    [InlineData("logs-tail", new[] { "logs", "tail", "--help" })]
    [InlineData("agent-supervisor-update", new[] { "agent", "supervisor", "update", "--help" })]
    [InlineData("agent-health-http", new[] { "agent", "health", "http", "--help" })]
    public async Task Help_is_printed_and_exits_zero(string name, string[] args)
    {
        var (exitCode, output) = await CliRunner.RunAsync(args);

        exitCode.ShouldBe(0);
        Golden.Verify(output, "Help", name);
    }

    [Fact]
    public async Task The_agent_is_hidden_from_the_root_help()
    {
        var (_, output) = await CliRunner.RunAsync("--help");

        output.ShouldNotContain("agent");
        output.ShouldContain("setup");
    }
}
