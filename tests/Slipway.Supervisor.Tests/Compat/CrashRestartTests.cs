using System.Globalization;
using Slipway.Supervisor.Daemon;
using Slipway.Supervisor.Native;
using Slipway.Testing;

namespace Slipway.Supervisor.Tests.Compat;

public sealed class SlipwayCrashRestartTests : CrashRestartTests
{
    protected override string Kind => Daemon.Slipway;
}

public sealed class NativeCrashRestartTests : CrashRestartTests
{
    protected override string Kind => Daemon.SlipwayNative;
}

/// <summary>supervisord, for the record: its leftovers keep running next to the new copies.</summary>
public sealed class SupervisordCrashRestartTests : CrashRestartTests
{
    protected override string Kind => Daemon.Supervisord;

    protected override bool StopsLeftovers => false;
}

/// <summary>
/// The daemon killed with kill -9 while its children run (the OOM killer, a crash), then started again on the same
/// config. Both daemons remove the stale socket (nothing answers on it) and write the new pid to the pidfile.
/// supervisord never looks for the previous daemon's children: they run on, re-parented to init, next to a second copy
/// of every program. slipway finds them by the SUPERVISOR_SERVER_URL they were started with, names them in the main
/// log and stops them (SIGTERM to each and its process group, SIGKILL after 10 s) before it starts anything.
/// </summary>
public abstract class CrashRestartTests
{
    protected abstract string Kind { get; }

    protected virtual bool StopsLeftovers => true;

    [Fact(Timeout = 120_000)]
    public async Task Killed_with_kill_9_and_started_again_it_runs_one_copy_of_each_program()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = await Daemon.StartAsync(Kind, """
            [program:alpha]
            command=sleep 1000
            startsecs=0

            [program:family]
            command=/bin/bash -c 'sleep 1005 & sleep 1006 & wait'
            startsecs=0

            """, ct);
        var url = "unix://" + first.Socket;
        var old = new List<int>();
        Daemon? second = null;
        try
        {
            await first.WaitForAsync("alpha", "RUNNING", ct);
            await first.WaitForAsync("family", "RUNNING", ct);
            (await Eventually.ForAsync(() => Copies(url, "family").Count == 3, TimeSpan.FromSeconds(10), ct)).ShouldBeTrue("bash and its two sleeps");
            var oldAlpha = int.Parse((await first.CtlAsync(ct, "pid", "alpha")).Output.Trim(), CultureInfo.InvariantCulture);
            old.AddRange(Copies(url, "alpha").Concat(Copies(url, "family")));

            second = await first.Kill9AndStartAgainAsync(ct);

            (await File.ReadAllTextAsync(first.Dir.File("supervisord.pid"), ct)).Trim().ShouldBe(second.Pid.ToString(CultureInfo.InvariantCulture));
            await second.WaitForAsync("alpha", "RUNNING", ct);
            await second.WaitForAsync("family", "RUNNING", ct);
            var newAlpha = int.Parse((await second.CtlAsync(ct, "pid", "alpha")).Output.Trim(), CultureInfo.InvariantCulture);
            newAlpha.ShouldNotBe(oldAlpha);
            if (StopsLeftovers)
            {
                Copies(url, "alpha").ShouldBe([newAlpha], "one alpha: the new daemon's");
                (await Eventually.ForAsync(() => Copies(url, "family").Count == 3, TimeSpan.FromSeconds(10), ct)).ShouldBeTrue();
                old.Where(ProcessTree.IsAlive).ShouldBeEmpty("every process the killed daemon had started is gone");
                var log = await File.ReadAllTextAsync(second.MainLog, ct);
                log.ShouldContain($"WARN found 'alpha' (pid {oldAlpha.ToString(CultureInfo.InvariantCulture)}) still running from a daemon that did not exit cleanly; stopping it before starting anything");
                log.ShouldContain("WARN found 'family' (pid ");
            }
            else
            {
                // supervisord's documented behaviour: nothing adopts or stops the orphans.
                Copies(url, "alpha").Order().ShouldBe(new[] { oldAlpha, newAlpha }.Order());
                ProcessTree.ParentOf(oldAlpha).ShouldNotBe(second.Pid);
            }
        }
        finally
        {
            KillOrphans(url, old, second?.Pid ?? 0);
            if (second is not null)
            {
                await second.DisposeAsync();
            }

            await first.DisposeAsync();
        }
    }

    /// <summary>The live processes started by a daemon serving <paramref name="url"/> as program <paramref name="name"/>.</summary>
    private static List<int> Copies(string url, string name) =>
        ProcessTree.Parents().Keys.Where(pid => ProcessTree.EnvironmentOf(pid) is { } env && LeftoverChildren.IsChildOf(env, url)
            && env.GetValueOrDefault("SUPERVISOR_PROCESS_NAME") == name && ProcessTree.IsAlive(pid)).ToList();

    /// <summary>Cleans up what supervisord leaves: the old pids, if they still carry this daemon's marker and are not the new daemon's.</summary>
    private static void KillOrphans(string url, List<int> pids, int daemon)
    {
        foreach (var pid in pids)
        {
            if (ProcessTree.EnvironmentOf(pid) is { } env && LeftoverChildren.IsChildOf(env, url) && ProcessTree.ParentOf(pid) != daemon)
            {
                Posix.kill(pid, 9);
            }
        }
    }
}
