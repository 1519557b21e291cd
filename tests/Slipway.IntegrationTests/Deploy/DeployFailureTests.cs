using System.Text.Json;

namespace Slipway.IntegrationTests.Deploy;

/// <summary>What every host looks like after a deploy fails: never mixed, never with leftovers.</summary>
public sealed class DeployFailureTests
{
    [Fact]
    public async Task A_hook_failing_before_publish_on_one_host_leaves_every_host_unchanged_without_a_release_dir()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(3, ct);
        site.Configure();
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var before = site.Current(0);
        await site.CommitAsync("second", ct);
        site.Configure($$"""
            hooks:
              after_update:
                - { run: 'echo "building on $SLIPWAY_HOST"; if [ "$SLIPWAY_HOST" = "{{site.HostName(1)}}" ]; then echo "compile error: boom" >&2; exit 4; fi' }
            """);

        var (exitCode, output) = await site.RunAsync("deploy", "production");

        exitCode.ShouldBe(1, output);
        output.ShouldContain($"{site.HostName(1)}: update: after_update hook");
        output.ShouldContain("failed (exit code 4)");
        output.ShouldContain("    | compile error: boom");
        output.ShouldContain("undone on every host");
        for (var i = 0; i < 3; i++)
        {
            site.Current(i).ShouldBe(before);
            site.Served(i).ShouldBe("first");
            site.Releases(i).ShouldBe([before]);
            site.Locked(i).ShouldBeFalse();
            Directory.GetFiles(site.DeployTo(i), ".slipway-upload-*").ShouldBeEmpty();
        }
    }

    [Fact]
    public async Task A_hook_failing_after_publish_on_one_host_switches_every_host_back_and_reruns_the_hooks()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(3, ct);
        var restarts = Path.Combine(site.Root, "restarts.log");
        var hook = $$"""
            hooks:
              after_publish:
                - { run: 'echo "$SLIPWAY_HOST $(cat index.html)" >> {{restarts}}; [ "$SLIPWAY_HOST" != "{{site.HostName(2)}}" ] || [ "$(cat index.html)" != second ]' }
            """;
        site.Configure(hook);
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var before = site.Current(0);
        await site.CommitAsync("second", ct);
        File.Delete(restarts);

        var (exitCode, output) = await site.RunAsync("deploy", "production");

        exitCode.ShouldBe(1, output);
        output.ShouldContain($"{site.HostName(2)}: publish: after_publish hook");
        output.ShouldContain("back on previous release");
        string? abandoned = null;
        for (var i = 0; i < 3; i++)
        {
            site.Current(i).ShouldBe(before);
            site.Served(i).ShouldBe("first");
            abandoned = site.Releases(i).Single(r => r != before);
            site.ReleaseState(i, abandoned).ShouldBe("bad");
            site.Locked(i).ShouldBeFalse();
        }

        // The old code was restarted on every host after switching back.
        var lines = await File.ReadAllLinesAsync(restarts, ct);
        for (var i = 0; i < 3; i++)
        {
            lines.ShouldContain($"{site.HostName(i)} first");
        }

        // A rollback never picks the bad release; the next deploy cleans it up first.
        var (listed, listing) = await site.RunAsync("releases", "production");
        listed.ShouldBe(0, listing);
        listing.ShouldContain($"{abandoned}  bad");
    }

    [Fact]
    public async Task With_no_auto_rollback_a_failed_publish_leaves_hosts_as_they_are_and_says_so()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(2, ct);
        site.Configure();
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var before = site.Current(0);
        await site.CommitAsync("second", ct);
        site.Configure($$"""
            hooks:
              after_publish:
                - { run: '[ "$SLIPWAY_HOST" != "{{site.HostName(0)}}" ]' }
            """);

        var (exitCode, output) = await site.RunAsync("deploy", "production", "--no-auto-rollback", "--json");

        exitCode.ShouldBe(1, output);
        using var json = JsonDocument.Parse(output);
        json.RootElement.GetProperty("result").GetString().ShouldBe("incomplete");
        site.Current(0).ShouldNotBe(before);
        site.Current(1).ShouldNotBe(before);
        site.Locked(0).ShouldBeFalse();
    }

    [Fact]
    public async Task Check_reports_every_missing_thing_on_every_host_and_changes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(2, ct);
        site.Configure("""
            requirements:
              - { command: no-such-command-slipway }
              - { deb: no-such-package-slipway }
              - { command: git }
            """, linked: "linked_files: [config/.env]");

        var (exitCode, output) = await site.RunAsync("deploy", "production");

        exitCode.ShouldBe(1, output);
        for (var i = 0; i < 2; i++)
        {
            output.ShouldContain($"{site.HostName(i)}: check: 3 problems found");
            site.Releases(i).ShouldBeEmpty();
            site.Locked(i).ShouldBeFalse();
        }

        output.ShouldContain("missing: command 'no-such-command-slipway' not found on PATH");
        output.ShouldContain("missing: Debian package 'no-such-package-slipway' is not installed");
        output.ShouldContain("config/.env is missing");
        output.ShouldNotContain("'git' not found");
        output.ShouldContain("stopped before changing anything");
        (await site.RunAsync("check", "production")).ExitCode.ShouldBe(1);
    }
}
