namespace Slipway.IntegrationTests.Deploy;

public sealed class DeployHistoryTests
{
    [Fact]
    public async Task History_merges_every_hosts_record_with_this_machines_and_flags_runs_some_hosts_lack()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(2, ct);
        site.Configure();
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var first = site.Current(0);
        await site.CommitAsync("second", ct);
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var second = site.Current(0);
        // Host 1 lost its record of the second deploy; both hosts have a deploy made from another machine.
        var host1 = Path.Combine(site.DeployTo(1), "slipway-history.jsonl");
        var lines = await File.ReadAllLinesAsync(host1, ct);
        await File.WriteAllLinesAsync(host1, lines[..^1], ct);
        var foreign = lines[0].Replace("\"machine\":\"", "\"machine\":\"ci-runner-", StringComparison.Ordinal)
            .Replace("\"started\":\"2", "\"started\":\"1", StringComparison.Ordinal);
        foreach (var i in new[] { 0, 1 })
        {
            await File.AppendAllTextAsync(Path.Combine(site.DeployTo(i), "slipway-history.jsonl"), foreign + "\n", ct);
        }

        var (exitCode, output) = await site.RunAsync("history", "production");
        var (_, json) = await site.RunAsync("history", "production", "--json");

        exitCode.ShouldBe(0, output);
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        rows.Length.ShouldBe(3, output);
        rows[0].ShouldContain("@ci-runner-", customMessage: "the foreign deploy is the oldest (its year was rewritten)");
        rows[1].ShouldContain(first);
        rows[1].ShouldNotContain("[only on");
        rows[2].ShouldContain(second);
        rows[2].ShouldContain($"[only on {site.HostName(0)}; missing on {site.HostName(1)}]");
        var jsonRows = json.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        jsonRows[2].ShouldContain($"\"missing_on\":[\"{site.HostName(1)}\"]");
        jsonRows[2].ShouldContain("\"recorded_here\":true");
        jsonRows[0].ShouldContain("\"recorded_here\":false");
    }
}
