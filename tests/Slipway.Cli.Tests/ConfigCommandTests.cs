using System.Text.Json;
using Slipway.Cli.Tests.Support;
using Slipway.Testing;

namespace Slipway.Cli.Tests;

public sealed class ConfigCommandTests
{
    private const string ValidConfig = """
        application: mysite
        deploy_to: /srv/mysite
        stages:
          local:
            branch: main
            hosts:
              - { host: localhost, transport: local, roles: [web, db] }
        """;

    [Fact]
    public async Task Check_reports_every_error_with_location_and_exits_2()
    {
        using var dir = new TempDir();
        var file = dir.Write("slipway.yml", """
            application: mysite
            deploy_to: srv/mysite
            keep_relases: 5
            stages:
              production:
                hosts:
                  - { host: 127.0.0.1, port: 70000 }
            """);

        var (exitCode, output) = await CliRunner.RunAsync("config", "check", "-f", file);

        exitCode.ShouldBe(ExitCodes.UsageOrConfig);
        output.ShouldContain("slipway.yml:2:");
        output.ShouldContain("deploy_to");
        output.ShouldContain("keep_relases");
        output.ShouldContain("did you mean 'keep_releases'");
        output.ShouldContain("stages.production.hosts[0].port");
        output.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task Check_of_a_missing_file_says_so_and_exits_2()
    {
        using var dir = new TempDir();

        var (exitCode, output) = await CliRunner.RunAsync("config", "check", "-f", dir.File("nope.yml"));

        exitCode.ShouldBe(ExitCodes.UsageOrConfig);
        output.ShouldContain("nope.yml");
    }

    [Fact]
    public async Task Check_with_json_gives_one_object_scripts_can_read()
    {
        using var dir = new TempDir();
        var file = dir.Write("slipway.yml", "application: x\nport: 1\n");

        var (exitCode, output) = await CliRunner.RunAsync("config", "check", "-f", file, "--json");

        exitCode.ShouldBe(ExitCodes.UsageOrConfig);
        using var json = JsonDocument.Parse(output);
        json.RootElement.GetProperty("valid").GetBoolean().ShouldBeFalse();
        var first = json.RootElement.GetProperty("diagnostics")[0];
        first.GetProperty("severity").GetString().ShouldBe("error");
        first.GetProperty("line").GetInt32().ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Show_prints_the_resolved_stage_with_defaults_as_json()
    {
        using var dir = new TempDir();
        var file = dir.Write("slipway.yml", ValidConfig);

        var (exitCode, output) = await CliRunner.RunAsync("config", "show", "local", "-f", file, "--json");

        exitCode.ShouldBe(0, output);
        using var json = JsonDocument.Parse(output);
        json.RootElement.GetProperty("keep_releases").GetInt32().ShouldBe(5);
    }

    [Fact]
    public async Task Show_of_an_unknown_stage_lists_the_stages_and_exits_2()
    {
        using var dir = new TempDir();
        var file = dir.Write("slipway.yml", ValidConfig);

        var (exitCode, output) = await CliRunner.RunAsync("config", "show", "prod", "-f", file);

        exitCode.ShouldBe(ExitCodes.UsageOrConfig);
        output.ShouldContain("no stage 'prod'");
        output.ShouldContain("local");
    }
}
