using System.Globalization;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Deploy;

/// <summary>
/// <c>kill -9</c> of slipway itself at each point of a deploy over real sshd hosts: nothing of slipway runs any more,
/// the hosts are as that moment left them. Hooks that record that they started and then wait put the kill exactly in
/// the phase. Then: the next run recovers the locks with a notice, the release the killed run made is never a
/// rollback target, and the next deploy brings every host onto one good release.
/// </summary>
public sealed class DeployKillTests
{
    private const int Minutes = 60_000;

    [Theory(Timeout = 5 * Minutes)]
    [InlineData("update")]
    [InlineData("barrier")]
    [InlineData("publish")]
    [InlineData("switch-back")]
    public async Task Kill_9_of_slipway_leaves_a_known_state_and_the_next_deploy_converges_every_host(string phase)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(3, ct);
        site.Configure();
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var before = site.Current(0);
        await site.CommitAsync("second", ct);
        var (hooks, started) = Hooks(site, phase);
        site.Configure(hooks);
        using var process = site.StartProcess("deploy", "production");
        await DeployInterruptionTests.WaitStartedAsync(site, started, ct);

        (await ProcessTools.RunAsync("kill", ["-KILL", process.Pid.ToString(CultureInfo.InvariantCulture)], ct)).ExitCode.ShouldBe(0);
        var (killed, output) = await process.WaitAsync(ct);

        killed.ShouldBe(137, output);
        // What the kill left: the new release everywhere, never marked good, and every lock.
        var abandoned = site.Releases(0).Single(r => r != before);
        var state = phase == "switch-back" ? "bad" : "unfinished";
        for (var i = 0; i < 3; i++)
        {
            site.ReleaseState(i, abandoned).ShouldBe(state);
            site.Locked(i).ShouldBeTrue();
            // Only a killed publish leaves hosts on the new release (0 and 2, switched before their after_publish).
            var switched = phase == "publish" && i != 1;
            site.Current(i).ShouldBe(switched ? abandoned : before);
            site.Served(i).ShouldBe(switched ? "second" : "first");
        }

        // The next run recovers the locks (their owner is gone) and refuses the abandoned release as a rollback target.
        var (refused, refusal) = await site.RunAsync("rollback", "production", "--to", abandoned);
        refused.ShouldBe(1, refusal);
        refusal.ShouldContain($"release {abandoned} on {site.HostName(0)} is {state}");
        for (var i = 0; i < 3; i++)
        {
            refusal.ShouldContain($"{site.HostName(i)}: recovered a stale deploy lock (its owner (pid {process.Pid.ToString(CultureInfo.InvariantCulture)} on this machine) is no longer running)");
            site.Locked(i).ShouldBeFalse(refusal);
        }

        // The next deploy converges every host; the abandoned release is cleaned up, and a rollback goes to the last good one.
        site.Configure();
        await site.CommitAsync("third", ct);
        var (deployed, deployOutput) = await site.RunAsync("deploy", "production");
        deployed.ShouldBe(0, deployOutput);
        for (var i = 0; i < 3; i++)
        {
            site.Served(i).ShouldBe("third");
            site.Current(i).ShouldBe(site.Current(0));
            site.Releases(i).ShouldNotContain(abandoned);
            site.Locked(i).ShouldBeFalse();
        }

        var (rolledBack, rollbackOutput) = await site.RunAsync("rollback", "production");
        rolledBack.ShouldBe(0, rollbackOutput);
        for (var i = 0; i < 3; i++)
        {
            site.Current(i).ShouldBe(before);
            site.Served(i).ShouldBe("first");
        }
    }

    /// <summary>The hooks that hold the deploy at <paramref name="phase"/>, and how many hosts report that they got there.</summary>
    private static (string Hooks, int Started) Hooks(DeploySite site, string phase)
    {
        var wait = $"echo \"$SLIPWAY_HOST\" >> {site.Root}/started.log; while [ ! -e {site.Root}/go ]; do sleep 0.05; done";
        var one = site.HostName(1);
        return phase switch
        {
            // Every host in its after_update hook.
            "update" => (DeployInterruptionTests.BlockingHook(site.Root, "after_update"), 3),
            // Every host updated, none switched: the first thing of publish, before_publish, waits.
            "barrier" => (DeployInterruptionTests.BlockingHook(site.Root, "before_publish"), 3),
            // Hosts 0 and 2 switched (in their after_publish), host 1 not yet (in its before_publish).
            "publish" => ($$"""
                hooks:
                  before_publish:
                    - { run: 'if [ "$SLIPWAY_HOST" = "{{one}}" ]; then {{wait}}; fi' }
                  after_publish:
                    - { run: 'if [ "$SLIPWAY_HOST" != "{{one}}" ]; then {{wait}}; fi' }
                """, 3),
            // Host 2's after_publish fails on the new code; every host, switched back, waits in its rerun on the old code.
            "switch-back" => ($$"""
                hooks:
                  after_publish:
                    - { run: 'c=$(cat index.html); [ "$SLIPWAY_HOST" = "{{site.HostName(2)}}" ] && [ "$c" = second ] && exit 4; if [ "$c" = first ]; then {{wait}}; fi; true' }
                """, 3),
            _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, "no such phase"),
        };
    }
}
