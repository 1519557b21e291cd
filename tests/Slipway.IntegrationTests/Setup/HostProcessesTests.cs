using System.Text.Json;
using Slipway.IntegrationTests.Deploy;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Setup;

/// <summary><c>slipway ps / restart / logs tail</c> on two sshd hosts after <c>slipway setup</c>, through the agent on each host.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class HostProcessesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ps_restart_and_logs_tail_merge_every_host()
    {
        await using var site = await DeploySite.StartAsync(2, Ct);
        site.Configure();
        try
        {
            var (setup, setupOutput) = await site.RunAsync("setup", "production");
            setup.ShouldBe(0, setupOutput);
            for (var i = 0; i < 2; i++)
            {
                var d = site.DeployTo(i);
                Directory.CreateDirectory(Path.Combine(d, "releases/20261127060000"));
                File.CreateSymbolicLink(Path.Combine(d, "current"), Path.Combine(d, "releases/20261127060000"));
                await File.WriteAllTextAsync(Path.Combine(d, "slipway/programs.conf"),
                    $"[program:web]\ncommand=/bin/sh -c 'echo serving on host{i}; exec sleep 1000'\nstartsecs=0\n", Ct);
            }

            // What a deploy's hook does on each host (the hosts are this machine): apply the programs file with the installed agent.
            for (var i = 0; i < 2; i++)
            {
                var d = site.DeployTo(i);
                var (code, stdout, stderr) = await ProcessTools.RunAsync($"{d}/slipway/bin/slipway",
                    ["agent", "supervisor", "update", "--socket", $"{d}/slipway/supervisor.sock"], Ct);
                code.ShouldBe(0, stdout + stderr);
            }

            var (ps, psOutput) = await site.RunAsync("ps", "production", "--json");
            ps.ShouldBe(0, psOutput);
            int[] pids;
            using (var json = JsonDocument.Parse(psOutput))
            {
                var hosts = json.RootElement.GetProperty("hosts").EnumerateArray().ToList();
                hosts.Count.ShouldBe(2);
                hosts.ShouldAllBe(h => h.GetProperty("release").GetString() == "20261127060000");
                hosts.ShouldAllBe(h => h.GetProperty("processes")[0].GetProperty("name").GetString() == "web" &&
                    h.GetProperty("processes")[0].GetProperty("state").GetString() == "RUNNING");
                pids = [.. hosts.Select(h => h.GetProperty("processes")[0].GetProperty("pid").GetInt32())];
            }

            var (text, table) = await site.RunAsync("ps", "production");
            text.ShouldBe(0, table);
            var line = table.Split('\n').Single(l => l.StartsWith(site.HostName(1) + " ", StringComparison.Ordinal));
            line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where((_, i) => i != 4)
                .ShouldBe([site.HostName(1), "web", "RUNNING", pids[1].ToString(System.Globalization.CultureInfo.InvariantCulture), "20261127060000"]);

            var (restart, restartOutput) = await site.RunAsync("restart", "production", "web");
            restart.ShouldBe(0, restartOutput);
            restartOutput.ShouldContain($"{site.HostName(0)}: restarted");
            restartOutput.ShouldContain($"{site.HostName(1)}: restarted");
            var (_, after) = await site.RunAsync("ps", "production", "--json");
            using (var json = JsonDocument.Parse(after))
            {
                json.RootElement.GetProperty("hosts").EnumerateArray().Select(h => h.GetProperty("processes")[0].GetProperty("pid").GetInt32())
                    .ShouldAllBe(pid => !pids.Contains(pid));
            }

            var (tail, tailOutput) = await site.RunAsync("logs", "tail", "production", "web");
            tail.ShouldBe(0, tailOutput);
            tailOutput.ShouldContain($"{site.HostName(0)}: serving on host0");
            tailOutput.ShouldContain($"{site.HostName(1)}: serving on host1");

            var (bad, badOutput) = await site.RunAsync("restart", "production", "nosuch");
            bad.ShouldBe(1, badOutput);
            badOutput.ShouldContain("BAD_NAME");
        }
        finally
        {
            SetupTests.StopDaemons(site);
        }
    }
}
