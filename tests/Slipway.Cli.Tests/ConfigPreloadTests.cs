using Slipway.Cli.Infrastructure;

namespace Slipway.Cli.Tests;

public sealed class ConfigPreloadTests
{
    [Theory]
    [InlineData("slipway.yml", "exec", "production", "--", "uptime")]
    [InlineData("deploy/site.yml", "exec", "production", "-f", "deploy/site.yml", "--", "uptime")]
    [InlineData("x.yml", "config", "check", "--file", "x.yml")]
    [InlineData("y.yml", "config", "check", "--file=y.yml")]
    [InlineData("slipway.yml", "exec", "production", "--", "grep", "-f", "patterns")]
    public void The_guess_follows_the_file_option_and_ignores_the_remote_command(string expected, params string[] args) =>
        ConfigPreload.GuessPath(args).ShouldBe(expected);

    [Fact]
    public void A_command_asking_for_another_file_gets_that_file()
    {
        var dir = Directory.CreateTempSubdirectory("slw-preload-");
        try
        {
            var guessed = Path.Combine(dir.FullName, "a.yml");
            var asked = Path.Combine(dir.FullName, "b.yml");
            File.WriteAllText(guessed, "application: a\ndeploy_to: /srv/a\nstages:\n  s:\n    hosts:\n      - { host: h }\n");
            File.WriteAllText(asked, "application: b\ndeploy_to: /srv/b\nstages:\n  s:\n    hosts:\n      - { host: h }\n");
            ConfigPreload.Start(["config", "check", "-f", guessed], _ => null);

            ConfigPreload.Load(asked).Config!.Application.ShouldBe("b");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
