using Slipway.Cli.Tests.Support;
using Slipway.Core.Config;
using Slipway.Testing;

namespace Slipway.Cli.Tests;

public sealed class InitTests
{
    [Fact]
    public async Task Init_writes_a_starter_file_that_passes_config_check()
    {
        using var dir = new TempDir();
        var file = dir.File("slipway.yml");

        var (exitCode, output) = await CliRunner.RunAsync("init", "-f", file, "--application", "shop");

        exitCode.ShouldBe(0, output);
        (await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken)).ShouldContain("application: shop");
        var check = await CliRunner.RunAsync("config", "check", "-f", file);
        check.ExitCode.ShouldBe(0, check.Output);
        ConfigLoader.Load(file).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public async Task Init_refuses_to_overwrite_an_existing_file()
    {
        using var dir = new TempDir();
        var file = dir.Write("slipway.yml", "application: mine\n");

        var (exitCode, output) = await CliRunner.RunAsync("init", "-f", file);

        exitCode.ShouldBe(ExitCodes.UsageOrConfig);
        output.ShouldContain("already exists");
        (await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken)).ShouldBe("application: mine\n");
    }
}
