using System.Diagnostics;
using System.Text.RegularExpressions;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Deploy;

/// <summary>
/// A hang, not a reset: a host that stops answering mid-phase (its sshd frozen with SIGSTOP, so no connection is closed),
/// and a hook that never returns on a host that still answers. The phase's time-out (<c>phase_timeouts</c>, short here)
/// ends the wait, the transaction undoes, and the report says what each host is left as.
/// </summary>
public sealed class DeployHangTests
{
    private const int Minutes = 60_000;

    [Fact(Timeout = 5 * Minutes)]
    public async Task A_host_that_stops_answering_in_update_times_out_is_reported_lost_and_the_others_are_undone()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(3, ct);
        site.Configure();
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var before = site.Current(0);
        await site.CommitAsync("second", ct);
        // Host 1's after_update hook says it started, then waits for a file that never comes; there its sshd freezes.
        site.Configure($$"""
            phase_timeouts: { update: 10s }
            hooks:
              after_update:
                - { run: 'if [ "$SLIPWAY_HOST" = "{{site.HostName(1)}}" ]; then echo x >> {{site.Root}}/started.log; while [ ! -e {{site.Root}}/never ]; do sleep 0.05; done; fi' }
            """);
        var clock = Stopwatch.StartNew();
        var deploy = site.RunAsync("deploy", "production");
        await DeployInterruptionTests.WaitStartedAsync(site, 1, ct);
        await site.Fixture.FreezeHostAsync(1, ct);
        string abandoned;
        try
        {
            var (exitCode, output) = await deploy;

            exitCode.ShouldBe(3, output);
            var host = Regex.Escape(site.HostName(1));
            output.ShouldMatch($"(?m)^{host}: update: timed out: update did not end within 10s \\(phase_timeouts\\.update\\)");
            output.ShouldMatch($"(?m)^  {host} +current → {before} +LOST: still serves {before} \\(current was never moved\\)");
            output.ShouldContain("once it is reachable, run: slipway unlock production");
            // The limit, the stop that gets no answer, and one connect attempt: not the default hour.
            clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(90), output);
            foreach (var i in new[] { 0, 2 })
            {
                site.ShouldBeUntouched(i, before);
            }

            site.Current(1).ShouldBe(before);
            site.Served(1).ShouldBe("first");
            site.Locked(1).ShouldBeTrue("the lost host kept the lock the message says to remove");
            abandoned = site.Releases(1).Single(r => r != before);
            site.ReleaseState(1, abandoned).ShouldBe("unfinished");
        }
        finally
        {
            await site.Fixture.ThawHostAsync(1, CancellationToken.None);
        }

        // The network is back: the repair the message names, then a deploy that also removes the unfinished release.
        var (unlocked, unlockOutput) = await site.RunAsync("unlock", "production");
        unlocked.ShouldBe(0, unlockOutput);
        site.Configure();
        var (deployed, deployOutput) = await site.RunAsync("deploy", "production");
        deployed.ShouldBe(0, deployOutput);
        for (var i = 0; i < 3; i++)
        {
            site.Served(i).ShouldBe("second");
            site.Current(i).ShouldBe(site.Current(0));
            site.Locked(i).ShouldBeFalse();
        }

        site.Releases(1).ShouldNotContain(abandoned);
    }

    [Fact(Timeout = 5 * Minutes)]
    public async Task A_hook_that_never_returns_in_publish_is_stopped_at_the_time_out_and_every_host_is_switched_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(3, ct);
        site.Configure();
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var before = site.Current(0);
        await site.CommitAsync("second", ct);
        // Host 2's after_publish never returns on the new code (a restart that hangs); the host itself answers.
        var marker = Path.Combine(site.Root, "never");
        site.Configure($$"""
            phase_timeouts: { publish: 10s }
            hooks:
              after_publish:
                - { run: 'if [ "$SLIPWAY_HOST" = "{{site.HostName(2)}}" ] && [ "$(cat index.html)" = second ]; then while [ ! -e {{marker}} ]; do sleep 0.05; done; fi' }
            """);

        var (exitCode, output) = await site.RunAsync("deploy", "production");

        exitCode.ShouldBe(1, output);
        output.ShouldMatch($"(?m)^{Regex.Escape(site.HostName(2))}: publish: timed out: publish did not end within 10s \\(phase_timeouts\\.publish\\)");
        output.ShouldContain("undone on every host");
        var abandoned = site.Releases(0).Single(r => r != before);
        for (var i = 0; i < 3; i++)
        {
            site.Current(i).ShouldBe(before);
            site.Served(i).ShouldBe("first");
            site.ReleaseState(i, abandoned).ShouldBe("bad");
            site.Locked(i).ShouldBeFalse();
        }

        // The hook was stopped on the host, not left running.
        (await Eventually.ForAsync(() => ProcessTools.WithCommandLine(c => c.Contains(marker, StringComparison.Ordinal)).Count == 0,
            TimeSpan.FromSeconds(15), ct)).ShouldBeTrue("the hung hook still runs on the host");
    }
}
