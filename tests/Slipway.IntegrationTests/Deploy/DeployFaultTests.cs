using System.Globalization;
using System.Text.RegularExpressions;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Deploy;

/// <summary>
/// The faults an operator tries first, over real sshd hosts: a host lost while a failed deploy is being undone, a full
/// disk at upload, and two deploys racing for the lock. Each ends with a known state on every host, a message that
/// names the host, and the command that repairs it.
/// </summary>
public sealed class DeployFaultTests
{
    private const int Minutes = 60_000;

    private static readonly string[] Racers = ["a", "b"];

    [Fact(Timeout = 5 * Minutes)]
    public async Task A_host_lost_while_a_failed_update_is_undone_exits_3_and_says_what_it_serves_and_how_to_repair_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(3, ct);
        site.Configure();
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var before = site.Current(0);
        await site.CommitAsync("second", ct);
        // Host 2's update fails; host 1's `failed` hook (run while undoing) says it started, then waits: its sshd dies there.
        site.Configure($$"""
            hooks:
              after_update:
                - { run: '[ "$SLIPWAY_HOST" != "{{site.HostName(2)}}" ] || exit 4' }
              failed:
                - { run: 'if [ "$SLIPWAY_HOST" = "{{site.HostName(1)}}" ]; then echo x >> {{site.Root}}/started.log; while [ ! -e {{site.Root}}/go ]; do sleep 0.05; done; fi' }
            """);
        using var process = site.StartProcess("deploy", "production");
        await DeployInterruptionTests.WaitStartedAsync(site, 1, ct);

        await site.Fixture.KillHostAsync(1);
        var (exitCode, output) = await process.WaitAsync(ct);

        exitCode.ShouldBe(3, output);
        var host = Regex.Escape(site.HostName(1));
        output.ShouldMatch($"(?m)^{host}: undo: ");
        output.ShouldMatch($"(?m)^  {host} +current → {before} +LOST while undoing: still serves {before} \\(current was never moved\\)");
        output.ShouldContain($"once it is reachable, run: slipway unlock production");
        foreach (var i in new[] { 0, 2 })
        {
            site.ShouldBeUntouched(i, before);
        }

        site.Current(1).ShouldBe(before);
        site.Locked(1).ShouldBeTrue("the lost host kept the lock this test repairs");

        // The repair the message names, once the host is back; then a deploy goes through.
        await site.Fixture.RestartHostAsync(1, ct);
        await File.WriteAllTextAsync(Path.Combine(site.Root, "go"), "", ct);
        var (unlocked, unlockOutput) = await site.RunAsync("unlock", "production");
        unlocked.ShouldBe(0, unlockOutput);
        site.Configure();
        var (deployed, deployOutput) = await site.RunAsync("deploy", "production");
        deployed.ShouldBe(0, deployOutput);
        for (var i = 0; i < 3; i++)
        {
            site.Served(i).ShouldBe("second");
            site.Locked(i).ShouldBeFalse();
        }
    }

    [Fact(Timeout = 5 * Minutes)]
    public async Task A_host_lost_while_switching_back_after_a_failed_publish_exits_3_and_rollback_to_repairs_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(3, ct);
        site.Configure();
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var before = site.Current(0);
        await site.CommitAsync("second", ct);
        // Host 2's after_publish fails on the new code; host 1's, rerun on the old code while switching back, waits: its
        // sshd dies there.
        site.Configure($$"""
            hooks:
              after_publish:
                - { run: 'c=$(cat index.html); [ "$SLIPWAY_HOST" = "{{site.HostName(2)}}" ] && [ "$c" = second ] && exit 4; if [ "$SLIPWAY_HOST" = "{{site.HostName(1)}}" ] && [ "$c" = first ]; then echo x >> {{site.Root}}/started.log; while [ ! -e {{site.Root}}/go ]; do sleep 0.05; done; fi; true' }
            """);
        using var process = site.StartProcess("deploy", "production");
        await DeployInterruptionTests.WaitStartedAsync(site, 1, ct);

        await site.Fixture.KillHostAsync(1);
        var (exitCode, output) = await process.WaitAsync(ct);

        exitCode.ShouldBe(3, output);
        var abandoned = site.Releases(0).Single(r => r != before);
        var host = Regex.Escape(site.HostName(1));
        output.ShouldMatch($"(?m)^{host}: revert: ");
        output.ShouldMatch($"(?m)^  {host} +current → {before} +LOST while switching back: back on {before}, but its after_publish hooks may not have finished");
        output.ShouldContain($"once it is reachable, run: slipway rollback production --to {before}");
        site.Current(1).ShouldBe(before);
        site.ReleaseState(1, abandoned).ShouldBe("bad");

        // The repair the message names: every host on the old release, its hooks run again, no lock left, nothing marked
        // bad that is live.
        await site.Fixture.RestartHostAsync(1, ct);
        await File.WriteAllTextAsync(Path.Combine(site.Root, "go"), "", ct);
        var (repaired, repairOutput) = await site.RunAsync("rollback", "production", "--to", before);
        repaired.ShouldBe(0, repairOutput);
        repairOutput.ShouldContain("recovered a stale deploy lock");
        for (var i = 0; i < 3; i++)
        {
            site.Current(i).ShouldBe(before);
            site.Served(i).ShouldBe("first");
            site.ReleaseState(i, before).ShouldBe("ok");
            site.Locked(i).ShouldBeFalse();
        }
    }

    [Fact(Timeout = 5 * Minutes)]
    public async Task A_host_lost_during_publish_exits_3_names_the_repair_and_the_repair_and_next_deploy_converge()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(3, ct);
        site.Configure();
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var before = site.Current(0);
        await site.CommitAsync("second", ct);
        // Host 1's after_publish on the new code says it started, then waits: its sshd dies there, after its switch.
        site.Configure($$"""
            hooks:
              after_publish:
                - { run: 'c=$(cat index.html); if [ "$SLIPWAY_HOST" = "{{site.HostName(1)}}" ] && [ "$c" = second ]; then echo x >> {{site.Root}}/started.log; while [ ! -e {{site.Root}}/go ]; do sleep 0.05; done; fi; true' }
            """);
        using var process = site.StartProcess("deploy", "production");
        await DeployInterruptionTests.WaitStartedAsync(site, 1, ct);

        await site.Fixture.KillHostAsync(1);
        var (exitCode, output) = await process.WaitAsync(ct);

        exitCode.ShouldBe(3, output);
        var host = Regex.Escape(site.HostName(1));
        output.ShouldMatch($"(?m)^  {host} .*LOST");
        // The hosts that answer agree with each other: one release, served by both.
        site.Current(0).ShouldBe(site.Current(2), output);
        site.Served(0).ShouldBe(site.Served(2));
        var repair = Regex.Match(output, "once it is reachable, run: (slipway [^\n]+)");
        repair.Success.ShouldBeTrue(output);

        // The one command the report names, once the host is back, brings all three onto one release; a deploy then
        // goes through everywhere.
        await site.Fixture.RestartHostAsync(1, ct);
        await File.WriteAllTextAsync(Path.Combine(site.Root, "go"), "", ct);
        var words = repair.Groups[1].Value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];
        var (repaired, repairOutput) = await site.RunAsync(words);
        repaired.ShouldBe(0, repairOutput);
        site.Current(1).ShouldBe(site.Current(0), repairOutput);
        site.Current(2).ShouldBe(site.Current(0));
        site.Served(1).ShouldBe(site.Served(0));
        site.Configure();
        var (deployed, deployOutput) = await site.RunAsync("deploy", "production");
        deployed.ShouldBe(0, deployOutput);
        for (var i = 0; i < 3; i++)
        {
            site.Served(i).ShouldBe("second");
            site.Locked(i).ShouldBeFalse();
        }
    }

    [Fact(Timeout = 5 * Minutes)]
    public async Task A_full_disk_at_upload_is_a_failed_step_naming_host_and_path_and_leaves_the_live_release_untouched()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(2, ct);
        var full = site.DeployTo(0);
        Directory.CreateDirectory(full);
        var (mounted, _, mountError) = await ProcessTools.RunAsync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", full], ct);
        Requires.Check(mounted == 0, $"cannot mount a 1 MiB tmpfs (needs root): {mountError.Trim()}", Environment.GetEnvironmentVariable("CI"));
        try
        {
            site.Configure();
            (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
            var before = site.Current(0);
            // 3 MiB that no compression shrinks: the release archive cannot fit on host 0's 1 MiB disk.
            await File.WriteAllBytesAsync(Path.Combine(site.Repo, "blob.bin"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(3 << 20), ct);
            await site.CommitAsync("second", ct);

            var (exitCode, output) = await site.RunAsync("deploy", "production");

            exitCode.ShouldBe(1, output);
            output.ShouldMatch($"(?m)^{Regex.Escape(site.HostName(0))}: update: upload of the release to {Regex.Escape(full)}/\\S+ failed");
            output.ShouldContain("No space left on device");
            output.ShouldContain("undone on every host");
            for (var i = 0; i < 2; i++)
            {
                site.ShouldBeUntouched(i, before);
                site.Served(i).ShouldBe("first");
                Directory.GetFiles(site.DeployTo(i), "*slipway*").Where(f => !f.EndsWith("slipway-history.jsonl", StringComparison.Ordinal))
                    .ShouldBeEmpty("a half-written upload was left");
            }
        }
        finally
        {
            await ProcessTools.RunAsync("umount", ["-l", full], CancellationToken.None);
        }
    }

    [Fact(Timeout = 15 * Minutes)]
    public async Task Two_deploys_started_together_have_exactly_one_winner_every_time_and_the_loser_names_the_holder()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(3, ct);
        // The winner holds the lock (its after_update hook waits for `go`) until the loser has ended: a deploy that
        // started late can never find the lock free again and win too.
        site.Configure(DeployInterruptionTests.BlockingHook(site.Root, "after_update"), keep: 2);
        var go = Path.Combine(site.Root, "go");
        for (var round = 1; round <= 20; round++)
        {
            File.Delete(go);
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var deploys = Racers.Select(name => Task.Run(async () =>
            {
                await start.Task;
                return await site.RunAsync("deploy", "production", "--message", $"round {round} {name}");
            }, ct)).ToList();
            start.SetResult();

            var first = await await Task.WhenAny(deploys);
            await File.WriteAllTextAsync(go, "", ct);
            var results = await Task.WhenAll(deploys);

            var winners = results.Count(r => r.ExitCode == 0);
            var summary = $"round {round.ToString(CultureInfo.InvariantCulture)}:\n" + string.Join("\n---\n", results.Select(r => $"exit {r.ExitCode}\n{r.Output}"));
            winners.ShouldBe(1, summary);
            first.ExitCode.ShouldBe(1, summary);
            first.Output.ShouldMatch($"locked by {Regex.Escape(Environment.UserName)} on {Regex.Escape(Environment.MachineName)} \\(pid \\d+\\), deploy of production at \\w+, since [^:]+:\\d\\d:\\d\\d UTC: \"round {round} [ab]\"", summary);
            first.Output.ShouldContain("stopped before changing anything", Case.Sensitive, summary);
            for (var i = 0; i < 3; i++)
            {
                site.Locked(i).ShouldBeFalse(summary);
                site.Current(i).ShouldBe(site.Current(0), summary);
            }
        }
    }
}
