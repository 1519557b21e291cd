using System.Text.Json;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Deploy;

/// <summary><c>slipway deploy</c>, <c>rollback</c>, <c>cleanup</c> end to end on three real sshd hosts.</summary>
public sealed class DeployTests
{
    [Fact]
    public async Task First_deploy_builds_the_capistrano_layout_on_every_host()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(3, ct);
        site.Configure(linked: "linked_dirs: [media]\nlinked_files: [.env]");
        for (var i = 0; i < 3; i++)
        {
            Directory.CreateDirectory(Path.Combine(site.DeployTo(i), "shared"));
            await File.WriteAllTextAsync(Path.Combine(site.DeployTo(i), "shared", ".env"), "SECRET=1\n", ct);
        }

        var commit = (await ProcessTools.RunAsync("git", ["-C", site.Repo, "rev-parse", "HEAD"], ct)).Stdout.Trim();
        var (exitCode, output) = await site.RunAsync("deploy", "production", "--message", "first one");

        exitCode.ShouldBe(0, output + site.Fixture.ServerLogs());
        output.ShouldContain("deployed release ");
        for (var i = 0; i < 3; i++)
        {
            var release = site.Current(i);
            release.ShouldMatch(@"^\d{14}$");
            site.Releases(i).ShouldBe([release]);
            var dir = Path.Combine(site.DeployTo(i), "releases", release);
            (await File.ReadAllTextAsync(Path.Combine(dir, "REVISION"), ct)).Trim().ShouldBe(commit);
            File.Exists(Path.Combine(dir, "REVISION_TIME")).ShouldBeTrue();
            new FileInfo(Path.Combine(dir, ".env")).LinkTarget.ShouldBe(Path.Combine(site.DeployTo(i), "shared", ".env"));
            new DirectoryInfo(Path.Combine(dir, "media")).LinkTarget.ShouldBe(Path.Combine(site.DeployTo(i), "shared", "media"));
            site.Served(i).ShouldBe("first");
            site.ReleaseState(i, release).ShouldBe("ok");
            site.Locked(i).ShouldBeFalse();
            (await File.ReadAllTextAsync(Path.Combine(site.DeployTo(i), "revisions.log"), ct))
                .ShouldBe($"Branch main (at {commit}) deployed as release {release} by {Environment.UserName}\n");
            var history = await File.ReadAllLinesAsync(Path.Combine(site.DeployTo(i), "slipway-history.jsonl"), ct);
            history.Length.ShouldBe(1);
            history[0].ShouldContain("\"result\":\"succeeded\"");
            history[0].ShouldContain("\"message\":\"first one\"");
        }

        // Every host got the same release name.
        Enumerable.Range(0, 3).Select(site.Current).Distinct().Count().ShouldBe(1);
    }

    [Fact]
    public async Task Redeploys_switch_every_host_and_cleanup_keeps_keep_releases()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(3, ct);
        site.Configure(keep: 2);

        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var first = site.Current(0);
        await site.CommitAsync("second", ct);
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var second = site.Current(0);
        // The same commit again makes a new release too (as Capistrano does), named after the newest one.
        var (exitCode, output) = await site.RunAsync("deploy", "production");
        exitCode.ShouldBe(0, output);
        var third = site.Current(0);

        string.CompareOrdinal(first, second).ShouldBeLessThan(0);
        string.CompareOrdinal(second, third).ShouldBeLessThan(0);
        for (var i = 0; i < 3; i++)
        {
            site.Current(i).ShouldBe(third);
            site.Served(i).ShouldBe("second");
            site.Releases(i).ShouldBe([second, third]); // keep_releases 2: the oldest went
        }
    }

    [Fact]
    public async Task Rollback_goes_back_everywhere_and_never_picks_a_rolled_back_release_again()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(3, ct);
        site.Configure();
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var first = site.Current(0);
        await site.CommitAsync("second", ct);
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var second = site.Current(0);
        await site.CommitAsync("third", ct);
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var third = site.Current(0);

        var (exitCode, output) = await site.RunAsync("rollback", "production");

        exitCode.ShouldBe(0, output);
        output.ShouldContain($"rolled back to release {second}");
        for (var i = 0; i < 3; i++)
        {
            site.Current(i).ShouldBe(second);
            site.Served(i).ShouldBe("second");
            site.ReleaseState(i, third).ShouldBe("bad");
            (await File.ReadAllLinesAsync(Path.Combine(site.DeployTo(i), "revisions.log"), ct))[^1]
                .ShouldBe($"{Environment.UserName} rolled back to release {second}");
        }

        // --to an older release, then a plain rollback: it goes back to `first`'s predecessor... none; so --to second again.
        (await site.RunAsync("rollback", "production", "--to", first)).ExitCode.ShouldBe(0);
        Enumerable.Range(0, 3).Select(site.Current).ShouldAllBe(c => c == first);
        var (refused, refusal) = await site.RunAsync("rollback", "production", "--to", third);
        refused.ShouldBe(1, refusal);
        refusal.ShouldContain($"release {third} on {site.HostName(0)} is bad");
        Enumerable.Range(0, 3).Select(site.Current).ShouldAllBe(c => c == first);

        var (historyCode, history) = await site.RunAsync("history", "production");
        historyCode.ShouldBe(0, history);
        var lines = history.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(5, history); // 3 deploys, 2 rollbacks, read from the first host
        lines[0].ShouldContain("deploy    succeeded  " + first);
        lines[3].ShouldContain("rollback  succeeded  " + second);
        lines[4].ShouldContain("rollback  succeeded  " + first);
        (await site.RunAsync("history", "production", "--local", "--json")).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Length.ShouldBe(5);

        var (_, releases) = await site.RunAsync("releases", "production", "--json");
        using var json = JsonDocument.Parse(releases);
        json.RootElement.GetArrayLength().ShouldBe(3);
        json.RootElement[0].GetProperty("current").GetString().ShouldBe(first);
        json.RootElement[0].GetProperty("releases").GetArrayLength().ShouldBe(3);
    }

    [Fact]
    public async Task Rollback_is_refused_when_hosts_disagree_about_the_live_release_unless_forced()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(2, ct);
        site.Configure();
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var first = site.Current(0);
        await site.CommitAsync("second", ct);
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var second = site.Current(0);
        await site.CommitAsync("third", ct);
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        // Someone switched host 1 back by hand.
        var current = Path.Combine(site.DeployTo(1), "current");
        File.Delete(current);
        File.CreateSymbolicLink(current, Path.Combine(site.DeployTo(1), "releases", second));

        var (_, listing) = await site.RunAsync("releases", "production");
        var (refused, refusal) = await site.RunAsync("rollback", "production");
        var (forced, output) = await site.RunAsync("rollback", "production", "--force");

        listing.ShouldContain($"OUT OF STEP: {site.HostName(1)} is not on");
        refused.ShouldBe(1, refusal);
        refusal.ShouldContain("hosts disagree about the live release");
        forced.ShouldBe(0, output);
        site.Current(0).ShouldBe(second);
        site.Current(1).ShouldBe(first);
    }

    [Fact]
    public async Task Cleanup_removes_unfinished_and_bad_releases_first_but_never_live_or_previous()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(2, ct);
        site.Configure(keep: 2);
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var first = site.Current(0);
        await site.CommitAsync("second", ct);
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var second = site.Current(0);
        for (var i = 0; i < 2; i++)
        {
            // A crashed deploy's leftover, and a foreign directory cleanup must not touch.
            var stale = Path.Combine(site.DeployTo(i), "releases", "20990101000000");
            Directory.CreateDirectory(stale);
            await File.WriteAllTextAsync(Path.Combine(stale, ".slipway-state"), "unfinished\n", ct);
            Directory.CreateDirectory(Path.Combine(site.DeployTo(i), "releases", "not-a-release"));
        }

        var (exitCode, output) = await site.RunAsync("cleanup", "production");

        exitCode.ShouldBe(0, output);
        output.ShouldContain("removed 20990101000000");
        for (var i = 0; i < 2; i++)
        {
            site.Releases(i).ShouldBe([first, second, "not-a-release"]);
            site.Locked(i).ShouldBeFalse();
        }
    }

    [Fact]
    public async Task The_git_strategy_keeps_a_mirror_in_repo_and_deploys_the_resolved_commit()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(2, ct);
        site.Configure(strategy: "git");
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var commit = await site.CommitAsync("second", ct);

        var (exitCode, output) = await site.RunAsync("deploy", "production", "--json");

        exitCode.ShouldBe(0, output);
        using var json = JsonDocument.Parse(output);
        json.RootElement.GetProperty("result").GetString().ShouldBe("succeeded");
        json.RootElement.GetProperty("commit").GetString().ShouldBe(commit);
        for (var i = 0; i < 2; i++)
        {
            Directory.Exists(Path.Combine(site.DeployTo(i), "repo", "refs")).ShouldBeTrue();
            site.Served(i).ShouldBe("second");
            File.Exists(Path.Combine(site.DeployTo(i), "current", "REVISION_TIME")).ShouldBeTrue();
        }
    }

    [Fact]
    public async Task The_git_strategy_follows_a_changed_repo_url_with_the_existing_mirror()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(1, ct);
        site.Configure(strategy: "git");
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);

        // The repository moves (a new server, say), and gains a commit there that the old location never had.
        var moved = Path.Combine(site.Root, "moved.git");
        (await ProcessTools.RunAsync("git", ["clone", "-q", "--bare", site.Repo, moved], ct)).ExitCode.ShouldBe(0);
        var commit = await site.CommitAsync("only at the new place", ct);
        (await ProcessTools.RunAsync("git", ["-C", site.Repo, "push", "-q", moved, "main"], ct)).ExitCode.ShouldBe(0);
        (await ProcessTools.RunAsync("git", ["-C", site.Repo, "reset", "-q", "--hard", "HEAD~1"], ct)).ExitCode.ShouldBe(0);
        var config = await File.ReadAllTextAsync(site.ConfigFile, ct);
        await File.WriteAllTextAsync(site.ConfigFile, config.Replace($"repo_url: {site.Repo}", $"repo_url: {moved}", StringComparison.Ordinal), ct);

        var (exitCode, output) = await site.RunAsync("deploy", "production", "--json");

        exitCode.ShouldBe(0, output);
        using var json = JsonDocument.Parse(output);
        json.RootElement.GetProperty("commit").GetString().ShouldBe(commit);
        site.Served(0).ShouldBe("only at the new place");
        (await File.ReadAllTextAsync(Path.Combine(site.DeployTo(0), "current", "REVISION_TIME"), ct)).Trim().ShouldNotBeEmpty();
    }

    [Fact]
    public async Task An_existing_capistrano_host_is_adopted_as_is()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(2, ct);
        site.Configure();
        const string Old = "20200101000000";
        for (var i = 0; i < 2; i++)
        {
            var release = Path.Combine(site.DeployTo(i), "releases", Old);
            Directory.CreateDirectory(release);
            Directory.CreateDirectory(Path.Combine(site.DeployTo(i), "shared"));
            await File.WriteAllTextAsync(Path.Combine(release, "REVISION"), "0123456789abcdef0123456789abcdef01234567\n", ct);
            await File.WriteAllTextAsync(Path.Combine(release, "index.html"), "capistrano\n", ct);
            File.CreateSymbolicLink(Path.Combine(site.DeployTo(i), "current"), release);
            await File.WriteAllTextAsync(Path.Combine(site.DeployTo(i), "revisions.log"),
                $"Branch main (at 0123456789abcdef0123456789abcdef01234567) deployed as release {Old} by deploy\n", ct);
        }

        var (exitCode, output) = await site.RunAsync("deploy", "production");
        exitCode.ShouldBe(0, output);
        output.ShouldContain($"previous {Old}");
        var (rolledBack, rollbackOutput) = await site.RunAsync("rollback", "production");

        rolledBack.ShouldBe(0, rollbackOutput);
        for (var i = 0; i < 2; i++)
        {
            site.Current(i).ShouldBe(Old);
            site.Served(i).ShouldBe("capistrano");
            var log = await File.ReadAllLinesAsync(Path.Combine(site.DeployTo(i), "revisions.log"), ct);
            log.Length.ShouldBe(3);
            log[0].ShouldContain("by deploy");
        }
    }
}
