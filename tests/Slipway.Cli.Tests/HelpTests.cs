using Slipway.Cli.Tests.Support;
using Slipway.Testing;

namespace Slipway.Cli.Tests;

public sealed class HelpTests
{
    [Theory]
    [InlineData("root", new[] { "--help" })]
    [InlineData("init", new[] { "init", "--help" })]
    [InlineData("config", new[] { "config", "--help" })]
    [InlineData("config-check", new[] { "config", "check", "--help" })]
    [InlineData("config-show", new[] { "config", "show", "--help" })]
    [InlineData("exec", new[] { "exec", "--help" })]
    [InlineData("deploy", new[] { "deploy", "--help" })]
    [InlineData("rollback", new[] { "rollback", "--help" })]
    [InlineData("releases", new[] { "releases", "--help" })]
    [InlineData("history", new[] { "history", "--help" })]
    [InlineData("check", new[] { "check", "--help" })]
    [InlineData("cleanup", new[] { "cleanup", "--help" })]
    [InlineData("unlock", new[] { "unlock", "--help" })]
    [InlineData("supervise", new[] { "supervise", "--help" })]
    [InlineData("queue", new[] { "queue", "--help" })]
    [InlineData("queue-push", new[] { "queue", "push", "--help" })]
    [InlineData("queue-serve", new[] { "queue", "serve", "--help" })]
    [InlineData("worker", new[] { "worker", "--help" })]
    [InlineData("monitor-ls", new[] { "monitor", "ls", "--help" })]
    [InlineData("monitor-run", new[] { "monitor", "run", "--help" })]
    [InlineData("monitor-serve", new[] { "monitor", "serve", "--help" })]
    [InlineData("monitor-agent", new[] { "monitor", "agent", "--help" })]
    [InlineData("monitor", new[] { "monitor", "--help" })]
    public async Task Help_is_printed_for_every_command_and_exits_zero(string name, string[] args)
    {
        var (exitCode, output) = await CliRunner.RunAsync(args);

        exitCode.ShouldBe(0);
        Golden.Verify(output, "Help", name);
    }

    [Fact]
    public async Task Version_prints_the_version_alone()
    {
        var (exitCode, output) = await CliRunner.RunAsync("--version");

        exitCode.ShouldBe(0);
        output.Trim().ShouldBe(SlipwayApp.Version);
        SlipwayApp.Version.ShouldMatch(@"^\d+\.\d+\.\d+");
    }

    [Fact]
    public async Task An_unknown_command_is_a_usage_error_with_exit_code_2()
    {
        var (exitCode, output) = await CliRunner.RunAsync("depoly");

        exitCode.ShouldBe(ExitCodes.UsageOrConfig);
        output.ShouldContain("Unknown command 'depoly'");
    }
}
