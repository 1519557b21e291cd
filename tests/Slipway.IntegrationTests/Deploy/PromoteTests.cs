using System.Globalization;
using System.Text.Json;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Deploy;

/// <summary><c>slipway promote</c> and <c>slipway status</c> on real sshd hosts: staging (2 hosts) and production (1 host).</summary>
public sealed class PromoteTests
{
    [Fact]
    public async Task Promotion_ships_the_commit_live_on_staging_after_min_age_or_with_force_and_status_shows_the_gap()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(3, ct);
        var first = await Git(site, ct, "rev-parse", "HEAD");
        await Git(site, ct, "checkout", "-q", "-b", "develop");
        Configure(site, minAge: "7d");

        (await site.RunAsync("deploy", "staging")).ExitCode.ShouldBe(0);

        // Live on staging for seconds, not 7 days: refused, and production untouched.
        var (code, output) = await site.RunAsync("promote", "staging", "production");
        code.ShouldBe(1, output);
        output.ShouldContain($"not promoting: {first[..7]} has been live on staging for only ");
        output.ShouldContain("promote.min_age is 7d (use --force to promote anyway");
        site.Current(2).ShouldBe("");

        // --force promotes, and the history says it was forced.
        (code, output) = await site.RunAsync("promote", "staging", "production", "--force");
        code.ShouldBe(0, output);
        output.ShouldContain("production has nothing live yet; it gets 1 commit:");
        Revision(site, 2).ShouldBe(first);
        var history = await File.ReadAllTextAsync(Path.Combine(site.DeployTo(2), "slipway-history.jsonl"), ct);
        history.ShouldContain("promoted from staging with --force");

        // A new commit on develop goes to staging; production is now one behind it while main has not moved.
        var second = await site.CommitAsync("second", ct);
        (await site.RunAsync("deploy", "staging")).ExitCode.ShouldBe(0);
        (code, output) = await site.RunAsync("status", "--json");
        code.ShouldBe(0, output);
        var stages = JsonDocument.Parse(output).RootElement.EnumerateArray().ToDictionary(s => s.GetProperty("stage").GetString()!);
        stages["staging"].GetProperty("commit").GetString().ShouldBe(second);
        stages["staging"].GetProperty("in_step").GetBoolean().ShouldBeTrue();
        stages["staging"].GetProperty("hosts_on_commit").GetInt32().ShouldBe(2);
        stages["staging"].GetProperty("behind_branch").GetInt32().ShouldBe(0);
        stages["production"].GetProperty("commit").GetString().ShouldBe(first);
        stages["production"].GetProperty("promoted_from").GetString().ShouldBe("staging");
        stages["production"].GetProperty("behind_promoted_from").GetInt32().ShouldBe(1);

        // With min_age met, the exact staging commit goes out (not production's branch head, which is still the first).
        Configure(site, minAge: "0s");
        (code, output) = await site.RunAsync("promote", "staging", "production");
        code.ShouldBe(0, output);
        output.ShouldContain("production gains 1 commit:");
        output.ShouldContain($"{second[..7]}  second  (Test)");
        Revision(site, 2).ShouldBe(second);
        (await Git(site, ct, "rev-parse", "main")).ShouldBe(first);
    }

    [Fact]
    public async Task Promotion_is_refused_while_staging_hosts_disagree()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(3, ct);
        await Git(site, ct, "checkout", "-q", "-b", "develop");
        Configure(site, minAge: "0s");
        (await site.RunAsync("deploy", "staging")).ExitCode.ShouldBe(0);
        await site.CommitAsync("only on one host", ct);
        (await site.RunAsync("deploy", "staging", "--hosts", site.HostName(0))).ExitCode.ShouldBe(0);

        var (code, output) = await site.RunAsync("promote", "staging", "production");

        code.ShouldBe(1, output);
        output.ShouldContain("staging hosts do not agree on one live commit");
        site.Current(2).ShouldBe("");
        (code, output) = await site.RunAsync("status");
        code.ShouldBe(1, output);
        output.ShouldContain("OUT OF STEP");
    }

    private static string Revision(DeploySite site, int host) =>
        File.ReadAllText(Path.Combine(site.DeployTo(host), "current", "REVISION")).Trim();

    private static async Task<string> Git(DeploySite site, CancellationToken ct, params string[] args)
    {
        var (code, stdout, stderr) = await ProcessTools.RunAsync("git", ["-C", site.Repo, .. args], ct);
        code.ShouldBe(0, stderr);
        return stdout.Trim();
    }

    private static void Configure(DeploySite site, string minAge)
    {
        string Host(int i) => string.Create(CultureInfo.InvariantCulture,
            $"{{ host: 127.0.0.1, port: {site.Ports[i]}, roles: [web], deploy_to: {site.DeployTo(i)} }}");
        File.WriteAllText(site.ConfigFile, $"""
            application: site
            repo_url: {site.Repo}
            deploy_to: /nonexistent
            source_strategy: upload
            ssh:
              user: {SshdFixture.User}
              identity_file: {site.Fixture.ClientKey}
              known_hosts: {site.Fixture.KnownHosts}
              control_persist: 0 # each test connects afresh and leaves no ssh process behind
              connect_timeout: 5
            promote:
              from: staging
              to: production
              min_age: {minAge}
            stages:
              staging:
                branch: develop
                hosts:
                  - {Host(0)}
                  - {Host(1)}
              production:
                branch: main
                hosts:
                  - {Host(2)}
            """);
    }
}
