using Slipway.Core.Shell;
using Slipway.Testing;

namespace Slipway.Remote.Tests;

public sealed class CommandScriptTests
{
    [Fact]
    public void Context_is_cd_then_exports_then_command()
    {
        var options = new RunOptions
        {
            WorkingDirectory = "/srv/my app",
            Environment = new Dictionary<string, string> { ["A"] = "1 2", ["B_2"] = "$(x)" },
        };

        CommandScript.WithContext(ShellCommand.Raw("make"), options).Text
            .ShouldBe("cd '/srv/my app' && export A='1 2' && export B_2='$(x)' && make");
    }

    [Theory]
    [InlineData("A-B")]
    [InlineData("1A")]
    [InlineData("A;rm")]
    [InlineData("")]
    public void Invalid_variable_names_are_refused(string name) =>
        Should.Throw<ArgumentException>(() => CommandScript.WithContext(
            ShellCommand.Raw("true"), new RunOptions { Environment = new Dictionary<string, string> { [name] = "x" } }));

    [Fact]
    public async Task Wrapper_keeps_output_and_exit_code()
    {
        using var dir = new TempDir();
        var wrapped = CommandScript.KillOnDisconnect(ShellCommand.Raw("printf 'it works'; exit 7"));

        var (exitCode, stdout) = await LocalShell.RunAsync(wrapped + " < /dev/zero", dir.Path, TestContext.Current.CancellationToken);

        exitCode.ShouldBe(7);
        System.Text.Encoding.UTF8.GetString(stdout).ShouldBe("it works");
    }

    [Fact]
    public async Task Wrapper_kills_the_command_when_stdin_reaches_eof()
    {
        using var dir = new TempDir();
        var wrapped = CommandScript.KillOnDisconnect(ShellCommand.Raw("sleep 30; echo survived"));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // stdin is /dev/null: EOF at once, as when ssh's channel closes.
        var (exitCode, stdout) = await LocalShell.RunAsync(wrapped + " < /dev/null", dir.Path, TestContext.Current.CancellationToken);

        exitCode.ShouldBe(143);
        stdout.ShouldBeEmpty();
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
    }
}
