using System.Globalization;
using System.Text.Json;
using Slipway.Cli.Tests.Support;
using Slipway.Monitor.Storage;
using Slipway.Testing;

namespace Slipway.Cli.Tests;

/// <summary>
/// <c>slipway monitor agent</c> and <c>monitor serve</c> together over real HTTP on loopback (both run in-process, each
/// as the CLI runs it): a failing plugin on the agent goes SOFT then HARD on the server; with the server stopped the
/// agent spools, survives its own restart, and everything it ran reaches the server's history in order.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MonitorAgentTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new("slw-monagent-");

    public void Dispose() => _dir.Dispose();

    private string Config(int port, string token = "s3cret")
    {
        // Fails every time and counts its runs, so the history can be checked run by run.
        var plugin = _dir.Write("broken.sh", $$"""
            #!/bin/sh
            n=$(cat {{_dir.File("count")}} 2>/dev/null || echo 0); n=$((n+1)); echo $n > {{_dir.File("count")}}
            echo "CRITICAL: run $n | runs=$n"
            exit 2
            """);
        File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var url = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/");
        return _dir.Write("slipway.yml", $$"""
            application: shop
            deploy_to: {{_dir.File("srv")}}
            stages:
              production:
                hosts:
                  - { host: web1, roles: [web] }
                  - { host: db1, roles: [db] }
            monitor:
              check_interval: 1s
              retry_interval: 1s
              max_check_attempts: 2
              agent: { url: "{{url}}", token: {{token}} }
              checks:
                broken:
                  command: {{plugin}}
                  run_on: agent
                  hosts: [web1]
                here:
                  command: /bin/true
                  hosts: [db1]
            """);
    }

    private sealed class Running(Task<CliResult> run, LiveOutput output, CancellationTokenSource stop) : IDisposable
    {
        public LiveOutput Output => output;

        public Task<bool> ShowsAsync(string text, CancellationToken ct) =>
            Eventually.ForAsync(() => output.Text.Contains(text, StringComparison.Ordinal) || run.IsCompleted, Wait, ct);

        public async Task<CliResult> StopAsync()
        {
            await stop.CancelAsync();
            return await run;
        }

        public void Dispose() => stop.Dispose();
    }

    private static Running Start(CancellationToken ct, params string[] args)
    {
        var output = new LiveOutput();
        var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        return new Running(CliRunner.RunAsync(args, 200, TimeProvider.System, output, stop.Token), output, stop);
    }

    /// <summary>The outputs of the agent's --json lines: every result it ran and spooled, in order.</summary>
    private static List<string> Spooled(CliResult run) =>
        [.. run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("output").GetString()!)];

    private int SpoolFiles() => Directory.Exists(_dir.File(".slipway/monitor-spool/web1"))
        ? Directory.GetFiles(_dir.File(".slipway/monitor-spool/web1"), "*.json").Length
        : 0;

    [Fact(Timeout = 180_000)]
    public async Task A_failing_plugin_on_the_agent_goes_hard_on_the_server_and_what_it_ran_during_an_outage_arrives_in_order()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = Config(FreePorts.Tcp());

        using var serve = Start(ct, "monitor", "serve", "-f", file);
        (await serve.ShowsAsync("report to http://127.0.0.1:", ct)).ShouldBeTrue(serve.Output.Text);
        using var agent = Start(ct, "monitor", "agent", "--host", "web1", "-f", file, "--json");
        (await serve.ShowsAsync("broken@web1 PROBLEM CRITICAL", ct)).ShouldBeTrue(serve.Output.Text + agent.Output.Text);
        var text = serve.Output.Text;
        text.ShouldContain("agents: 1 check on 1 host report to http://127.0.0.1:");
        text.ShouldContain("broken@web1 SOFT CRITICAL attempt 1: CRITICAL: run 1");
        text.IndexOf("SOFT CRITICAL attempt 1", StringComparison.Ordinal).ShouldBeLessThan(text.IndexOf("PROBLEM CRITICAL", StringComparison.Ordinal));
        text.ShouldContain("broken@web1 PROBLEM CRITICAL (was OK): CRITICAL: run 2");
        (await serve.StopAsync()).ExitCode.ShouldBe(ExitCodes.Success);

        // The server is gone: the agent says so once and keeps its results on disk, also across its own restart.
        (await agent.ShowsAsync("cannot send results to", ct)).ShouldBeTrue(agent.Output.Text);
        (await Eventually.ForAsync(() => SpoolFiles() >= 3, Wait, ct)).ShouldBeTrue(agent.Output.Text);
        var first = await agent.StopAsync();
        first.ExitCode.ShouldBe(ExitCodes.Success, first.Output);
        first.Stderr.ShouldContain("kept in the spool for the next start");
        var kept = SpoolFiles();
        kept.ShouldBeGreaterThanOrEqualTo(3);

        using var serveAgain = Start(ct, "monitor", "serve", "-f", file);
        (await serveAgain.ShowsAsync("report to http://127.0.0.1:", ct)).ShouldBeTrue(serveAgain.Output.Text);
        using var agentAgain = Start(ct, "monitor", "agent", "--host", "web1", "-f", file, "--json");
        (await agentAgain.ShowsAsync("waiting from before", ct)).ShouldBeTrue(agentAgain.Output.Text);
        (await Eventually.ForAsync(() => SpoolFiles() == 0 && agentAgain.Output.Text.Contains("\"output\"", StringComparison.Ordinal), Wait, ct))
            .ShouldBeTrue(agentAgain.Output.Text);
        await Eventually.ForAsync(() => SpoolFiles() == 0, Wait, ct);
        var second = await agentAgain.StopAsync();
        (await serveAgain.StopAsync()).ExitCode.ShouldBe(ExitCodes.Success);

        // Every result the agent ran is in the server's history once, in the order it ran.
        var ran = Spooled(first).Concat(Spooled(second)).ToList();
        ran.Count.ShouldBeGreaterThan(kept);
        await using var store = MonitorStoreFactory.Open(_dir.File(".slipway/monitor.db"));
        var stored = (await store.ResultsAsync("broken@web1", 10_000, ct)).Reverse().Select(r => r.Output).ToList();
        var unsent = SpoolFiles();
        stored.ShouldBe(ran.Take(ran.Count - unsent), "results in the order they ran, none lost, none twice");
    }

    [Fact(Timeout = 60_000)]
    public async Task Agent_mistakes_are_config_errors()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = Config(FreePorts.Tcp());

        var unknown = await CliRunner.RunAsync(["monitor", "agent", "--host", "nope", "-f", file], 100, ct);
        unknown.ExitCode.ShouldBe(ExitCodes.UsageOrConfig);
        unknown.Stderr.ShouldContain("no host of");

        var none = await CliRunner.RunAsync(["monitor", "agent", "--host", "db1", "-f", file], 100, ct);
        none.ExitCode.ShouldBe(ExitCodes.UsageOrConfig);
        none.Stderr.ShouldContain("no check runs on db1's agent");

        var noAgent = _dir.Write("noagent.yml", (await File.ReadAllTextAsync(file, ct)).Replace("  agent: {", "  #agent: {", StringComparison.Ordinal));
        var check = await CliRunner.RunAsync(["config", "check", "-f", noAgent], 100, ct);
        check.ExitCode.ShouldBe(ExitCodes.UsageOrConfig);
        check.Output.ShouldContain("monitor.checks.broken.run_on");
        check.Output.ShouldContain("agent needs monitor.agent");

        var ssh = _dir.Write("ssh.yml", (await File.ReadAllTextAsync(file, ct)).Replace("command: /bin/true", "type: load\n      run_on: ssh", StringComparison.Ordinal));
        var sshCheck = await CliRunner.RunAsync(["config", "check", "-f", ssh], 100, ct);
        sshCheck.ExitCode.ShouldBe(ExitCodes.UsageOrConfig);
        sshCheck.Output.ShouldContain("ssh runs plugin commands only");
    }
}
