using Slipway.IntegrationTests.Deploy;

namespace Slipway.IntegrationTests.Monitor;

/// <summary>
/// The <c>release</c> built-in over real sshd hosts: each host's <c>current</c>, read over SSH as <c>slipway releases</c>
/// reads it, against the deploy history this machine wrote.
/// </summary>
public sealed class ReleaseCheckTests
{
    [Fact(Timeout = 240_000)]
    public async Task The_live_release_is_checked_against_the_deploy_history_and_a_hand_switched_host_is_critical()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(2, ct);
        site.Configure("""
            monitor:
              checks:
                live: { type: release, timeout: 30s }
            """);
        var web1 = "live@" + site.HostName(0);
        var web2 = "live@" + site.HostName(1);

        var before = await site.RunAsync("monitor", "run", "live");
        before.ExitCode.ShouldBe(1, before.Output);
        before.Stdout.ShouldContain($"{web1} UNKNOWN: RELEASE UNKNOWN - the deploy history has no successful deploy of production (current: none)");

        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var first = site.Current(0);
        await site.CommitAsync("second", ct);
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var second = site.Current(0);
        second.ShouldNotBe(first);

        var ok = await site.RunAsync("monitor", "run", "live");
        ok.ExitCode.ShouldBe(0, ok.Output + site.Fixture.ServerLogs());
        ok.Stdout.ShouldContain($"{web1} OK: RELEASE OK - {site.HostName(0)} has release {second} live, as the history of production says");
        ok.Stdout.ShouldContain($"{web2} OK: ");

        // Someone switches web1 back to the first release by hand: the history still says the second.
        var current = Path.Combine(site.DeployTo(0), "current");
        var target = new FileInfo(current).LinkTarget!;
        File.Delete(current);
        File.CreateSymbolicLink(current, target[..^second.Length] + first);

        var drifted = await site.RunAsync("monitor", "run", "live", "--json");
        drifted.ExitCode.ShouldBe(1, drifted.Output);
        using var json = System.Text.Json.JsonDocument.Parse(drifted.Stdout);
        var results = json.RootElement.GetProperty("results").EnumerateArray()
            .ToDictionary(c => c.GetProperty("id").GetString()!, c => (State: c.GetProperty("state").GetString(), Output: c.GetProperty("output").GetString()));
        results[web1].State.ShouldBe("CRITICAL");
        results[web1].Output.ShouldBe($"RELEASE CRITICAL - {site.HostName(0)} has release {first} live, but the history of production says {second}");
        results[web2].State.ShouldBe("OK");
    }
}
