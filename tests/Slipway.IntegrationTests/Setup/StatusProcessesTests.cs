using System.Text.Json;
using Slipway.IntegrationTests.Deploy;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Setup;

/// <summary>
/// <c>slipway status</c> with the processes of two sshd hosts after <c>slipway setup</c>, asked from each host's
/// supervise daemon through the agent: one that is not RUNNING is shown as a problem.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class StatusProcessesTests
{
    [Fact(Timeout = 240_000)]
    public async Task Status_lists_each_hosts_processes_and_a_fatal_one_as_a_problem()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(2, ct);
        site.Configure();
        try
        {
            var (setup, setupOutput) = await site.RunAsync("setup", "production");
            setup.ShouldBe(0, setupOutput);
            (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
            for (var i = 0; i < 2; i++)
            {
                var d = site.DeployTo(i);
                // host1's worker cannot start: it exits at once, and with no retries the daemon gives it up (FATAL).
                var worker = i == 1 ? "/bin/false\nstartretries=0\nautorestart=false" : "sleep 1000\nstartsecs=0";
                await File.WriteAllTextAsync(Path.Combine(d, "slipway/programs.conf"),
                    $"[program:web]\ncommand=sleep 1000\nstartsecs=0\n\n[program:worker]\ncommand={worker}\n", ct);
                var (code, stdout, stderr) = await ProcessTools.RunAsync($"{d}/slipway/bin/slipway",
                    ["agent", "supervisor", "update", "--socket", $"{d}/slipway/supervisor.sock"], ct);
                (code is 0 or 1).ShouldBeTrue(stdout + stderr);
            }

            var fatal = await Eventually.ForAsync(async () =>
            {
                var (_, out1, _) = await ProcessTools.RunAsync($"{site.DeployTo(1)}/slipway/bin/slipway",
                    ["agent", "supervisor", "status", "--socket", $"{site.DeployTo(1)}/slipway/supervisor.sock"], ct);
                return out1.Contains("FATAL", StringComparison.Ordinal);
            }, TimeSpan.FromSeconds(30), ct);
            fatal.ShouldBeTrue("host1's worker is FATAL");

            var (code2, json) = await site.RunAsync("status", "--json");
            code2.ShouldBe(0, json);
            using (var doc = JsonDocument.Parse(json))
            {
                var stage = doc.RootElement.EnumerateArray().Single();
                stage.GetProperty("processes_unknown").GetArrayLength().ShouldBe(0, json);
                var processes = stage.GetProperty("processes").EnumerateArray()
                    .Select(p => (Host: p.GetProperty("host").GetString(), Name: p.GetProperty("name").GetString(), State: p.GetProperty("state").GetString(),
                        Problem: p.GetProperty("problem").GetBoolean()))
                    .ToList();
                processes.ShouldBe(
                [
                    (site.HostName(0), "web", "RUNNING", false), (site.HostName(0), "worker", "RUNNING", false),
                    (site.HostName(1), "web", "RUNNING", false), (site.HostName(1), "worker", "FATAL", true),
                ], ignoreOrder: true);
            }

            var (code3, text) = await site.RunAsync("status");
            code3.ShouldBe(0, text);
            text.ShouldContain($"    {site.HostName(1)}: process worker FATAL");
            text.ShouldNotContain($"{site.HostName(0)}: process");
        }
        finally
        {
            SetupTests.StopDaemons(site);
        }
    }
}
