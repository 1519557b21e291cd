using System.Text.Json;
using Slipway.Cli.Tests.Support;
using Slipway.Testing;

namespace Slipway.Cli.Tests;

/// <summary><c>slipway ssh close STAGE</c> (issue 15.7); the closing of real masters is proven over sshd in OpenSshPersistKeyTests.</summary>
public sealed class SshCloseTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _file;

    public SshCloseTests()
    {
        // Nothing listens on port 1: ssh -G resolves the configuration without connecting, so no master can exist.
        _file = _dir.Write("slipway.yml", """
            application: demo
            deploy_to: /tmp/slipway-demo
            stages:
              production:
                hosts:
                  - { host: 127.0.0.1, port: 1, user: nobody, roles: [web] }
                  - { host: localhost, transport: local, roles: [db] }
            """);
    }

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("ssh", new[] { "ssh", "--help" })]
    [InlineData("ssh-close", new[] { "ssh", "close", "--help" })]
    public async Task Help_is_printed_and_exits_zero(string name, string[] args)
    {
        var (exitCode, output) = await CliRunner.RunAsync(args);

        exitCode.ShouldBe(0);
        Golden.Verify(output, "Help", name);
    }

    [Fact]
    public async Task Each_ssh_host_is_reported_and_local_hosts_are_left_out()
    {
        var (exitCode, output) = await CliRunner.RunAsync("ssh", "close", "production", "-f", _file);

        exitCode.ShouldBe(0, output);
        output.ShouldBe("nobody@127.0.0.1:1: no open connection\n");
    }

    [Fact]
    public async Task Json_names_the_socket_directory_and_the_count_per_host()
    {
        var (exitCode, output) = await CliRunner.RunAsync("ssh", "close", "production", "-f", _file, "--json");

        exitCode.ShouldBe(0, output);
        using var json = JsonDocument.Parse(output);
        json.RootElement.GetProperty("socket_directory").GetString().ShouldEndWith("/.slipway/cm");
        var host = json.RootElement.GetProperty("hosts").EnumerateArray().Single();
        host.GetProperty("host").GetString().ShouldBe("nobody@127.0.0.1:1");
        host.GetProperty("closed").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task An_unknown_stage_is_a_usage_error()
    {
        var (exitCode, _) = await CliRunner.RunAsync("ssh", "close", "nosuch", "-f", _file);

        exitCode.ShouldBe(2);
    }
}
