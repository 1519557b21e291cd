using Slipway.Testing;

namespace Slipway.IntegrationTests.Deploy;

/// <summary>
/// SIGINT to the real slipway process (what a terminal's Ctrl-C or a CI cancel sends) in the phases not covered by
/// <see cref="DeployInterruptionTests"/>: check, a rollback's switch, and a deploy's finish.
/// </summary>
public sealed class DeploySigintTests
{
    [Fact]
    public async Task SIGINT_during_check_stops_before_anything_changes_and_leaves_no_lock()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(2, ct);
        // The python_module check imports this from deploy_to: it says it started, then waits for `go`.
        for (var i = 0; i < 2; i++)
        {
            Directory.CreateDirectory(site.DeployTo(i));
            await File.WriteAllTextAsync(Path.Combine(site.DeployTo(i), "slwblock.py"), $$"""
                import os, time
                with open("{{site.Root}}/started.log", "a") as f:
                    f.write("x\n")
                while not os.path.exists("{{site.Root}}/go"):
                    time.sleep(0.05)
                """, ct);
        }

        site.Configure("requirements:\n  - { python_module: slwblock }");
        using var process = site.StartProcess("deploy", "production");
        await DeployInterruptionTests.WaitStartedAsync(site, 2, ct);

        await process.InterruptAsync(ct);
        var (exitCode, output) = await process.WaitAsync(ct);

        exitCode.ShouldBe(130, output);
        output.ShouldContain("stopped before changing anything");
        for (var i = 0; i < 2; i++)
        {
            site.Releases(i).ShouldBeEmpty();
            site.Locked(i).ShouldBeFalse(output);
            File.Exists(Path.Combine(site.DeployTo(i), "current")).ShouldBeFalse();
        }

        (await Eventually.ForAsync(() => ProcessTools.WithCommandLine(c => c.Contains("importlib", StringComparison.Ordinal) && c.Contains("slwblock", StringComparison.Ordinal)).Count == 0,
            TimeSpan.FromSeconds(10), ct)).ShouldBeTrue("the import check still runs on a host");
    }

    [Fact]
    public async Task SIGINT_during_a_rollbacks_hooks_puts_every_host_back_on_the_release_it_had()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(2, ct);
        site.Configure();
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        await site.CommitAsync("second", ct);
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var live = site.Current(0);
        site.Configure(DeployInterruptionTests.BlockingHook(site.Root, "after_rollback"));
        using var process = site.StartProcess("rollback", "production");
        await DeployInterruptionTests.WaitStartedAsync(site, 2, ct);

        await process.InterruptAsync(ct);
        var (exitCode, output) = await process.WaitAsync(ct);

        exitCode.ShouldBe(130, output);
        output.ShouldContain("back on the release it had");
        for (var i = 0; i < 2; i++)
        {
            site.Current(i).ShouldBe(live);
            site.Served(i).ShouldBe("second");
            site.Locked(i).ShouldBeFalse();
        }
    }

    [Fact]
    public async Task SIGINT_during_finish_lets_the_committed_deploy_finish_and_exits_0()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(2, ct);
        site.Configure();
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        await site.CommitAsync("second", ct);
        // Host 0's revisions.log is a FIFO: finish blocks appending to it until the test reads it.
        var fifo = Path.Combine(site.DeployTo(0), "revisions.log");
        File.Delete(fifo);
        (await ProcessTools.RunAsync("mkfifo", [fifo], ct)).ExitCode.ShouldBe(0);
        using var process = site.StartProcess("deploy", "production");
        var finishing = await Eventually.ForAsync(
            () => site.Releases(0) is [_, var latest] && File.Exists(Path.Combine(site.DeployTo(0), "releases", latest, ".slipway-state"))
                && site.ReleaseState(0, latest) == "ok",
            TimeSpan.FromSeconds(30), ct);
        finishing.ShouldBeTrue("finish never started on host 0");

        await process.InterruptAsync(ct);
        // Host 0 stays blocked in finish until slipway says the interrupt arrived.
        (await process.StderrShowsAsync("slipway: interrupted; stopping safely", ct)).ShouldBeTrue("slipway never said it was interrupted");
        var line = await ProcessTools.RunAsync("cat", [fifo], ct);
        var (exitCode, output) = await process.WaitAsync(ct);

        exitCode.ShouldBe(0, output);
        output.ShouldContain("interrupted after every host had switched: the deploy stands");
        line.Stdout.ShouldContain("deployed as release " + site.Releases(0)[^1]);
        for (var i = 0; i < 2; i++)
        {
            site.Served(i).ShouldBe("second");
            site.Locked(i).ShouldBeFalse();
            (await File.ReadAllTextAsync(Path.Combine(site.DeployTo(i), "slipway-history.jsonl"), ct)).ShouldContain(site.Current(i));
        }
    }
}
