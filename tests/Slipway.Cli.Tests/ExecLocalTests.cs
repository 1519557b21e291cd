using System.Text.Json;
using Slipway.Cli.Tests.Support;
using Slipway.Testing;

namespace Slipway.Cli.Tests;

/// <summary><c>slipway exec</c> end to end through the local transport (no SSH needed).</summary>
public sealed class ExecLocalTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _file;

    public ExecLocalTests()
    {
        _file = _dir.Write("slipway.yml", """
            application: demo
            deploy_to: /tmp/slipway-demo
            stages:
              local:
                branch: main
                hosts:
                  - { host: localhost, transport: local, roles: [web, db] }
            """);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Output_lines_are_prefixed_with_the_host_and_a_summary_follows()
    {
        var (exitCode, output) = await CliRunner.RunAsync("exec", "local", "-f", _file, "--", "echo", "hello;", "echo", "world");

        exitCode.ShouldBe(0, output);
        output.ShouldContain("localhost | hello\n");
        output.ShouldContain("localhost | world\n");
        output.ShouldContain("ok: 1 host succeeded");
    }

    [Fact]
    public async Task A_failing_command_exits_1_and_names_the_host_and_its_exit_code()
    {
        var (exitCode, output) = await CliRunner.RunAsync("exec", "local", "-f", _file, "--", "echo oops >&2; exit 3");

        exitCode.ShouldBe(ExitCodes.CommandFailed);
        output.ShouldContain("localhost | oops");
        output.ShouldContain("FAILED on 1 of 1 host");
        output.ShouldContain("localhost  exit code 3");
    }

    [Fact]
    public async Task Json_gives_one_record_per_host_with_exit_code_and_output()
    {
        var (exitCode, output) = await CliRunner.RunAsync("exec", "local", "-f", _file, "--json", "--", "printf 'a\\nb\\n'; exit 4");

        exitCode.ShouldBe(ExitCodes.CommandFailed);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(1, output);
        using var json = JsonDocument.Parse(lines[0]);
        json.RootElement.GetProperty("host").GetString().ShouldBe("localhost");
        json.RootElement.GetProperty("status").GetString().ShouldBe("failed");
        json.RootElement.GetProperty("exit_code").GetInt32().ShouldBe(4);
        json.RootElement.GetProperty("stdout").GetString().ShouldBe("a\nb\n");
    }

    [Fact]
    public async Task A_timeout_stops_the_command_and_reports_it()
    {
        var (exitCode, output) = await CliRunner.RunAsync("exec", "local", "-f", _file, "--timeout", "0.5", "--", "sleep 30");

        exitCode.ShouldBe(ExitCodes.CommandFailed);
        output.ShouldContain("FAILED on 1 of 1 host");
    }

    [Fact]
    public async Task No_command_is_a_usage_error()
    {
        var (exitCode, output) = await CliRunner.RunAsync("exec", "local", "-f", _file);

        exitCode.ShouldBe(ExitCodes.UsageOrConfig);
        output.ShouldContain("no command given");
    }

    [Fact]
    public async Task A_role_no_host_has_is_a_usage_error_listing_the_roles()
    {
        var (exitCode, output) = await CliRunner.RunAsync("exec", "local", "-f", _file, "--roles", "worker", "--", "true");

        exitCode.ShouldBe(ExitCodes.UsageOrConfig);
        output.ShouldContain("no host of stage 'local' has role 'worker'; roles in this stage: db, web.");
    }
}
