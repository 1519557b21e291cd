using System.Globalization;
using System.Text;
using System.Text.Json;
using Slipway.Cli.Tests.Support;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Cli;

/// <summary><c>slipway exec</c> end to end against real sshd processes on loopback.</summary>
public sealed class ExecOverSshTests
{
    private static string WriteConfig(TempDir dir, SshdFixture fixture, IEnumerable<int> ports, string extraHosts = "")
    {
        var hosts = new StringBuilder();
        foreach (var port in ports)
        {
            hosts.Append(CultureInfo.InvariantCulture, $"      - {{ host: 127.0.0.1, port: {port}, roles: [web] }}\n");
        }

        return dir.Write("slipway.yml", $"""
            application: fleet
            deploy_to: /srv/fleet
            ssh:
              user: {SshdFixture.User}
              identity_file: {fixture.ClientKey}
              known_hosts: {fixture.KnownHosts}
              connect_timeout: 5
            stages:
              production:
                branch: main
                hosts:
            {hosts}{extraHosts}
            """);
    }

    [Fact]
    public async Task Ten_hosts_run_in_parallel_and_every_line_is_prefixed_with_its_host()
    {
        Requires.Sshd();
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = await SshdFixture.StartAsync(10, ct);
        using var dir = new TempDir();
        var file = WriteConfig(dir, fixture, fixture.Hosts.Select(h => h.Port));

        var (exitCode, output) = await CliRunner.RunAsync("exec", "production", "-f", file, "--", "echo", "hello from", "$((6*7))");

        exitCode.ShouldBe(0, output + fixture.ServerLogs());
        foreach (var host in fixture.Hosts)
        {
            output.ShouldContain($"127.0.0.1:{host.Port} | hello from 42\n");
        }

        output.ShouldContain("ok: 10 hosts succeeded");
    }

    [Fact]
    public async Task A_failing_host_is_named_with_its_exit_code_and_the_others_still_finish()
    {
        Requires.Sshd();
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = await SshdFixture.StartAsync(3, ct);
        using var dir = new TempDir();
        var file = WriteConfig(dir, fixture, fixture.Hosts.Select(h => h.Port));
        var failing = fixture.Hosts[1].Port;

        // Each host learns its own port from the SSH connection and fails on one of them.
        var (exitCode, output) = await CliRunner.RunAsync("exec", "production", "-f", file, "--json", "--",
            $"port=${{SSH_CONNECTION##* }}; echo \"on $port\"; [ \"$port\" != {failing} ] || exit 7");

        exitCode.ShouldBe(1, output);
        var records = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line)).ToList();
        records.Count.ShouldBe(3, output);
        var byHost = records.ToDictionary(r => r.RootElement.GetProperty("port").GetInt32());
        byHost[failing].RootElement.GetProperty("exit_code").GetInt32().ShouldBe(7);
        byHost[failing].RootElement.GetProperty("status").GetString().ShouldBe("failed");
        byHost[failing].RootElement.GetProperty("host").GetString().ShouldBe($"{SshdFixture.User}@127.0.0.1:{failing}");
        byHost[fixture.Hosts[0].Port].RootElement.GetProperty("stdout").GetString()
            .ShouldBe($"on {fixture.Hosts[0].Port}\n");
        records.ForEach(r => r.Dispose());
    }

    [Fact]
    public async Task An_unreachable_host_exits_3_and_is_named_with_its_port()
    {
        Requires.Sshd();
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = await SshdFixture.StartAsync(1, ct);
        using var dir = new TempDir();
        var closedPort = FreePorts.Tcp();
        var file = WriteConfig(dir, fixture, [fixture.Hosts[0].Port, closedPort]);

        var (exitCode, output) = await CliRunner.RunAsync("exec", "production", "-f", file, "--", "true");

        exitCode.ShouldBe(3, output);
        output.ShouldContain("FAILED on 1 of 2 hosts");
        output.ShouldContain($"127.0.0.1:{closedPort}");
    }

    [Fact]
    public async Task Roles_and_hosts_filters_pick_the_hosts_that_run()
    {
        Requires.Sshd();
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = await SshdFixture.StartAsync(2, ct);
        using var dir = new TempDir();
        var file = WriteConfig(dir, fixture, fixture.Hosts.Select(h => h.Port));
        var chosen = $"127.0.0.1:{fixture.Hosts[1].Port}";

        var (exitCode, output) = await CliRunner.RunAsync("exec", "production", "-f", file, "--hosts", chosen, "--", "echo", "picked");

        exitCode.ShouldBe(0, output);
        output.ShouldContain($"{chosen} | picked");
        output.ShouldNotContain($"127.0.0.1:{fixture.Hosts[0].Port} |");
        output.ShouldContain("ok: 1 host succeeded");
    }

}
