using Slipway.IntegrationTests.Deploy;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Monitor;

/// <summary>
/// <c>run_on: ssh</c>: a plugin run on each host over a real sshd from the monitoring machine (as check_by_ssh), judged
/// like a local one; a hung plugin is stopped at its time-out, an unreachable host is UNKNOWN.
/// </summary>
public sealed class RemoteChecksTests
{
    private const string CheckDummy = "/usr/lib/nagios/plugins/check_dummy";

    [Fact(Timeout = 180_000)]
    public async Task A_plugin_runs_on_each_host_over_ssh_with_its_exit_code_output_and_perfdata()
    {
        Requires.Check(File.Exists(CheckDummy), $"{CheckDummy} is not installed. Fix: bash scripts/deps/monitor.sh", Environment.GetEnvironmentVariable("CI"));
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(2, ct);
        site.Configure($$"""
            monitor:
              checks:
                where:
                  command: 'echo "OK - ran for $USER over $SSH_CONNECTION | ''ssh hops''=1;;;0"'
                  shell: true
                  run_on: ssh
                dummy:
                  command: {{CheckDummy}} 1 "from the host"
                  run_on: ssh
                  hosts: ["127.0.0.1:{{site.Ports[0]}}"]
                hangs:
                  command: sleep 60
                  run_on: ssh
                  timeout: 2s
                  hosts: ["127.0.0.1:{{site.Ports[1]}}"]
            """);

        var ls = await site.RunAsync("monitor", "ls");
        ls.Stdout.ShouldContain($"(on {site.HostName(0)} over ssh)");
        var where = await site.RunAsync("monitor", "run", "where");
        var dummy = await site.RunAsync("monitor", "run", "dummy");
        var hangs = await site.RunAsync("monitor", "run", "hangs");

        where.ExitCode.ShouldBe(0, where.Output + site.Fixture.ServerLogs());
        where.Stdout.ShouldContain($"where@{site.HostName(0)} OK: OK - ran for {SshdFixture.User} over 127.0.0.1 ");
        where.Stdout.ShouldContain($"where@{site.HostName(1)} OK: OK - ran for {SshdFixture.User} over 127.0.0.1 ");
        where.Stdout.ShouldContain("  | 'ssh hops'=1;;;0");
        dummy.ExitCode.ShouldBe(1, dummy.Output);
        dummy.Stdout.ShouldStartWith($"dummy@{site.HostName(0)} WARNING: WARNING: from the host");
        hangs.ExitCode.ShouldBe(1, hangs.Output);
        hangs.Stdout.ShouldStartWith($"hangs@{site.HostName(1)} UNKNOWN: (plugin timed out after 2s on {site.HostName(1)})");
    }

    [Fact(Timeout = 120_000)]
    public async Task An_unreachable_host_is_unknown_and_says_why()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(1, ct);
        site.Configure("""
            monitor:
              checks:
                anything: { command: "true", run_on: ssh, timeout: 20s }
            """);
        await site.Fixture.KillHostAsync(0);

        var result = await site.RunAsync("monitor", "run", "anything");

        result.ExitCode.ShouldBe(1, result.Output);
        result.Stdout.ShouldStartWith($"anything@{site.HostName(0)} UNKNOWN: (cannot run on {site.HostName(0)}: ");
    }
}
