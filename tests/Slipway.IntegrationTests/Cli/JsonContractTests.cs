using System.Globalization;
using System.Text.Json;
using Slipway.Cli.Tests.Support;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Cli;

/// <summary>
/// The --json contract over real sshd (issue 14): with a failing or unreachable host, stdout is exactly JSON (one
/// document, or one per line where the command streams) and nothing else; what went wrong is said on stderr or in it.
/// </summary>
public sealed class JsonContractTests
{
    private static string Config(TempDir dir, SshdFixture fixture, int closedPort)
    {
        var open = fixture.Hosts[0].Port.ToString(CultureInfo.InvariantCulture);
        var closed = closedPort.ToString(CultureInfo.InvariantCulture);
        return dir.Write("slipway.yml", $$"""
            application: fleet
            deploy_to: {{dir.File("srv")}}
            source_strategy: upload
            repo_url: {{dir.File("repo")}}
            ssh:
              user: {{SshdFixture.User}}
              identity_file: {{fixture.ClientKey}}
              known_hosts: {{fixture.KnownHosts}}
              connect_timeout: 5
            stages:
              production:
                branch: main
                hosts:
                  - { host: 127.0.0.1, port: {{open}} }
                  - { host: 127.0.0.1, port: {{closed}} }
            """);
    }

    [Fact]
    public async Task Exec_json_with_a_failing_and_an_unreachable_host_prints_only_json_lines()
    {
        Requires.Sshd();
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = await SshdFixture.StartAsync(1, ct);
        using var dir = new TempDir();
        var file = Config(dir, fixture, FreePorts.Tcp());

        var result = await CliRunner.RunAsync(["exec", "production", "-f", file, "--json", "--", "echo to-stderr >&2; exit 4"], 200, ct);

        result.ExitCode.ShouldBe(3, result.Output);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(2, result.Output);
        var statuses = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("status").GetString()).Order().ToList();
        statuses.Count.ShouldBe(2);
        result.Stdout.ShouldNotContain("FAILED on");
    }

    [Fact]
    public async Task Deploy_json_with_an_unreachable_host_prints_one_json_document()
    {
        Requires.Sshd();
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = await SshdFixture.StartAsync(1, ct);
        using var dir = new TempDir();
        var repo = dir.File("repo");
        dir.Write("repo/app.py", "print('hi')\n");
        foreach (var args in new[] { new[] { "init", "-q", "-b", "main" }, ["add", "-A"], ["-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "one"] })
        {
            (await ProcessTools.RunAsync("git", ["-C", repo, .. args], ct)).ExitCode.ShouldBe(0);
        }

        var file = Config(dir, fixture, FreePorts.Tcp());

        var result = await CliRunner.RunAsync(["deploy", "production", "-f", file, "--json"], 200, ct);

        result.ExitCode.ShouldNotBe(0, result.Output);
        using var document = JsonDocument.Parse(result.Stdout); // exactly one document: a second would not parse
        document.RootElement.ValueKind.ShouldBe(JsonValueKind.Object);
    }
}
