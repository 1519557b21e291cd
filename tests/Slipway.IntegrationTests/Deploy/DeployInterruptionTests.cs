using System.Diagnostics;
using Slipway.Cli.Tests.Support;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Deploy;

/// <summary>Locks, Ctrl-C and lost hosts: the same guarantees as any failure.</summary>
public sealed class DeployInterruptionTests
{
    /// <summary>A hook that records it started, then waits for <c>go</c> to exist.</summary>
    internal static string BlockingHook(string root, string point, string onlyWhen = "true") => $$"""
        hooks:
          {{point}}:
            - { run: 'if {{onlyWhen}}; then echo "$SLIPWAY_HOST" >> {{root}}/started.log; while [ ! -e {{root}}/go ]; do sleep 0.05; done; fi' }
        """;

    internal static async Task WaitStartedAsync(DeploySite site, int hosts, CancellationToken ct)
    {
        var log = Path.Combine(site.Root, "started.log");
        var started = await Eventually.ForAsync(
            () => File.Exists(log) && File.ReadAllLines(log).Length >= hosts, TimeSpan.FromSeconds(30), ct);
        started.ShouldBeTrue("the hooks never started");
    }

    [Fact]
    public async Task A_second_deploy_is_refused_with_the_lock_holders_details()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(3, ct);
        site.Configure(BlockingHook(site.Root, "after_update"));
        var first = site.RunAsync("deploy", "production", "--message", "hotfix for #42");
        await WaitStartedAsync(site, 3, ct);

        var (exitCode, output) = await site.RunAsync("deploy", "production");

        exitCode.ShouldBe(1, output);
        output.ShouldContain($"locked by {Environment.UserName} on {Environment.MachineName} (pid {Environment.ProcessId}), deploy of production");
        output.ShouldContain("\"hotfix for #42\"");
        await File.WriteAllTextAsync(Path.Combine(site.Root, "go"), "", ct);
        var (firstCode, firstOutput) = await first;
        firstCode.ShouldBe(0, firstOutput);
        for (var i = 0; i < 3; i++)
        {
            site.Releases(i).Count.ShouldBe(1);
            site.Locked(i).ShouldBeFalse();
        }
    }

    [Fact]
    public async Task A_lock_whose_owner_is_gone_or_whose_lease_expired_is_recovered_with_a_notice()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(2, ct);
        site.Configure();
        var deadPid = await DeadPidAsync(ct);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        WriteLock(site, 0, $"token=t0\nuser=ghost\nmachine={Environment.MachineName}\npid={deadPid}\nstage=production\naction=deploy\nstarted={now}\nexpires={now + 3600}\n");
        WriteLock(site, 1, $"token=t1\nuser=ci\nmachine=elsewhere\npid=1\nstage=production\naction=deploy\nstarted={now - 7200}\nexpires={now - 3600}\n");

        var (exitCode, output) = await site.RunAsync("deploy", "production");

        exitCode.ShouldBe(0, output);
        output.ShouldContain($"{site.HostName(0)}: recovered a stale deploy lock (its owner (pid {deadPid} on this machine) is no longer running)");
        output.ShouldContain($"{site.HostName(1)}: recovered a stale deploy lock (its lease expired");
        site.Locked(0).ShouldBeFalse();
        site.Locked(1).ShouldBeFalse();
    }

    [Fact]
    public async Task A_live_lock_from_elsewhere_blocks_until_unlock_removes_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(2, ct);
        site.Configure();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        WriteLock(site, 1, $"token=t1\nuser=alice\nmachine=laptop\npid=1\nstage=production\naction=deploy\nmessage=db work\nstarted={now}\nexpires={now + 3600}\n");

        var (refused, refusal) = await site.RunAsync("deploy", "production");
        site.Releases(0).ShouldBeEmpty(); // the free host was not touched either
        var (unlocked, unlockOutput) = await site.RunAsync("unlock", "production");
        var (deployed, output) = await site.RunAsync("deploy", "production");

        refused.ShouldBe(1, refusal);
        refusal.ShouldContain($"{site.HostName(1)}: check: locked by alice on laptop (pid 1), deploy of production");
        refusal.ShouldContain("\"db work\"");
        unlocked.ShouldBe(0, unlockOutput);
        unlockOutput.ShouldContain("removed the lock of alice on laptop");
        deployed.ShouldBe(0, output);
    }

    [Fact]
    public async Task With_wait_a_deploy_waits_for_the_lock_and_goes_ahead_once_it_is_free()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(2, ct);
        site.Configure();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        WriteLock(site, 1, $"token=t1\nuser=bob\nmachine=ci-runner\npid=1\nstage=production\naction=deploy\nstarted={now}\nexpires={now + 3600}\n");

        var live = new LiveOutput();
        var deploy = site.RunAsync(live, "deploy", "production", "--wait", "60s");
        // The lock goes only once the deploy says it waits for it (a loaded machine may take seconds to get there).
        (await Eventually.ForAsync(() => live.Text.Contains("waiting for the deploy lock", StringComparison.Ordinal) || deploy.IsCompleted,
            TimeSpan.FromSeconds(50), ct)).ShouldBeTrue("the deploy never said it waits for the lock");
        deploy.IsCompleted.ShouldBeFalse("the deploy did not wait");
        File.Exists(Path.Combine(site.Root, ".slipway", "history.jsonl")).ShouldBeFalse("the deploy went ahead while the lock was held");
        Directory.Delete(Path.Combine(site.DeployTo(1), ".slipway-lock"), recursive: true);
        var (exitCode, output) = await deploy;

        exitCode.ShouldBe(0, output);
        output.ShouldContain("waiting for the deploy lock: bob on ci-runner (pid 1), deploy of production");
        site.Current(0).ShouldBe(site.Current(1));
        site.Locked(0).ShouldBeFalse();
    }

    [Fact]
    public async Task A_host_whose_sshd_dies_mid_update_fails_the_deploy_and_the_others_are_undone()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(3, ct);
        site.Configure();
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var before = site.Current(0);
        await site.CommitAsync("second", ct);
        site.Configure(BlockingHook(site.Root, "after_update"));
        var deploy = site.RunAsync("deploy", "production");
        await WaitStartedAsync(site, 3, ct);

        await site.Fixture.KillHostAsync(1);
        await File.WriteAllTextAsync(Path.Combine(site.Root, "go"), "", ct);
        var (exitCode, output) = await deploy;

        exitCode.ShouldBe(3, output);
        output.ShouldContain($"{site.HostName(1)}: update:");
        output.ShouldMatch($"(?m)^  {System.Text.RegularExpressions.Regex.Escape(site.HostName(1))} .*LOST: still serves {before} \\(current was never moved\\).*run: slipway unlock production");
        foreach (var i in new[] { 0, 2 })
        {
            site.ShouldBeUntouched(i, before);
        }
    }

    [Fact]
    public async Task Ctrl_C_during_update_removes_the_new_release_everywhere_and_exits_130()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(3, ct);
        site.Configure();
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var before = site.Current(0);
        await site.CommitAsync("second", ct);
        site.Configure(BlockingHook(site.Root, "after_update"));
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var deploy = site.RunAsync(interrupt.Token, "deploy", "production");
        await WaitStartedAsync(site, 3, ct);

        await interrupt.CancelAsync();
        var (exitCode, output) = await deploy;

        exitCode.ShouldBe(130, output);
        output.ShouldContain("CANCELLED");
        for (var i = 0; i < 3; i++)
        {
            site.ShouldBeUntouched(i, before);
        }
    }

    [Fact]
    public async Task Ctrl_C_during_publish_switches_every_host_back_and_exits_130()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(3, ct);
        site.Configure();
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var before = site.Current(0);
        await site.CommitAsync("second", ct);
        site.Configure(BlockingHook(site.Root, "after_publish", "[ \"$(cat index.html)\" = second ]"));
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var deploy = site.RunAsync(interrupt.Token, "deploy", "production");
        await WaitStartedAsync(site, 3, ct);

        await interrupt.CancelAsync();
        var (exitCode, output) = await deploy;

        exitCode.ShouldBe(130, output);
        for (var i = 0; i < 3; i++)
        {
            site.Current(i).ShouldBe(before);
            site.Served(i).ShouldBe("first");
            site.Locked(i).ShouldBeFalse();
        }
    }

    [Fact]
    public async Task SIGINT_to_the_slipway_process_during_update_undoes_everything_and_exits_130()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(2, ct);
        site.Configure();
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var before = site.Current(0);
        await site.CommitAsync("second", ct);
        site.Configure(BlockingHook(site.Root, "after_update"));
        using var process = site.StartProcess("deploy", "production");
        await WaitStartedAsync(site, 2, ct);

        await process.InterruptAsync(ct);
        var (exitCode, output) = await process.WaitAsync(ct);

        exitCode.ShouldBe(130, output);
        output.ShouldContain("Ctrl-C again stops at once");
        for (var i = 0; i < 2; i++)
        {
            site.ShouldBeUntouched(i, before);
        }
    }

    private static void WriteLock(DeploySite site, int host, string info)
    {
        var dir = Path.Combine(site.DeployTo(host), ".slipway-lock");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "info"), info);
    }

    private static async Task<int> DeadPidAsync(CancellationToken ct)
    {
        using var process = Process.Start("true")!;
        var pid = process.Id;
        await process.WaitForExitAsync(ct);
        return pid;
    }
}
