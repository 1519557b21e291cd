using System.Text.Json;
using Slipway.IntegrationTests.Deploy;
using Slipway.Monitor;
using Slipway.Monitor.Alerts;
using Slipway.Monitor.Checks;
using Slipway.Monitor.Configuration;
using Slipway.Monitor.Scheduling;
using Slipway.Monitor.Service;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Monitor;

/// <summary>
/// A deploy over real sshd hosts while the monitor service runs beside it (as <c>monitor serve</c> does, on the same
/// <c>.slipway/</c>): the deploy puts its hosts' checks into downtime, a check that starts failing during the deploy is
/// not told while it runs, and once the deploy ends it is told as a problem that follows that release; the monitor's
/// state file and <c>slipway status</c> say the same.
/// </summary>
public sealed class DeployDowntimeTests
{
    [Fact(Timeout = 240_000)]
    public async Task A_deploy_opens_and_lifts_downtime_and_a_check_failing_after_it_is_attributed_to_its_release()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(2, ct);
        var flag = Path.Combine(site.Root, "broken");
        var during = Path.Combine(site.Root, "marks-during-deploy.json");
        var marksPath = Path.Combine(site.Root, ".slipway", "monitor-marks.json");
        var statePath = Path.Combine(site.Root, ".slipway", "monitor-state.json");
        var plugin = $"if [ -e {flag} ]; then echo 'HTTP CRITICAL - 502 Bad Gateway'; exit 2; fi; echo 'HTTP OK - 200'";
        // The hook breaks the site, keeps what the marks file says while the deploy runs, and waits until the monitor has
        // seen the check fail (so the failure is known to fall inside the deploy).
        site.Configure($$"""
            monitor:
              checks:
                site: { command: "true", hosts: ["127.0.0.1:{{site.Ports[0]}}"] }
                disk: { command: "true", hosts: ["127.0.0.1:{{site.Ports[1]}}"] }
            hooks:
              after_update:
                - { run: 'touch {{flag}}; cp {{marksPath}} {{during}}; for i in $(seq 100); do grep -q CRITICAL {{statePath}} && break; sleep 0.1; done' }
            """);
        var siteId = "site@" + site.HostName(0);
        var diskId = "disk@" + site.HostName(1);

        // An operator's own downtime on the other host's check, longer than the deploy: the deploy must leave it alone.
        var handSet = DateTimeOffset.UtcNow.AddHours(3);
        await MonitorMarks.UpdateAsync(marksPath, m => m.DowntimeUntil[diskId] = handSet, ct);

        var options = new CheckOptions
        {
            CheckInterval = TimeSpan.FromMilliseconds(200), RetryInterval = TimeSpan.FromMilliseconds(200), MaxCheckAttempts = 1, Timeout = TimeSpan.FromSeconds(10),
        };
        var check = new CheckFactory().Create(new CheckDefinition { Name = siteId, Options = options, Plugin = new PluginCheckOptions(plugin, Shell: true) });
        var runs = new EventsSink();
        var service = new MonitorService([check], new MonitorServiceOptions
        {
            MarksPath = marksPath, StatePath = statePath, Housekeeping = TimeSpan.FromMilliseconds(100), RestoreState = false,
        }, runs);
        var planned = new List<Notification>();
        service.AlertPlanned += n => { lock (planned) { planned.Add(n); } };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = service.RunAsync(stop.Token);
        (await Eventually.ForAsync(() => runs.Count > 0, TimeSpan.FromSeconds(30), ct)).ShouldBeTrue("the monitor runs the check");

        var commit = (await ProcessTools.RunAsync("git", ["-C", site.Repo, "rev-parse", "HEAD"], ct)).Stdout.Trim();
        var deploy = await site.RunAsync("deploy", "production");
        deploy.ExitCode.ShouldBe(0, deploy.Output + site.Fixture.ServerLogs());
        deploy.Output.ShouldContain("monitor: 2 checks of these hosts in downtime during the deploy");
        var release = site.Current(0);

        // While it ran: both checks were in the deploy's downtime, without an end yet.
        var marksDuring = await MonitorMarks.LoadAsync(during, ct);
        marksDuring.Deploys.Keys.Order(StringComparer.Ordinal).ShouldBe(new[] { siteId, diskId }.Order(StringComparer.Ordinal));
        marksDuring.Deploys[siteId].FinishedAt.ShouldBeNull();
        marksDuring.InDowntime(siteId, DateTimeOffset.UtcNow).ShouldBeTrue();

        // After it: lifted, with the release recorded; the hand-set downtime is still there.
        var marksAfter = await MonitorMarks.LoadAsync(marksPath, ct);
        var mark = marksAfter.Deploys[siteId];
        (mark.Release, mark.Commit, mark.Result, mark.Stage).ShouldBe((release, commit, "succeeded", "production"));
        marksAfter.InDowntime(siteId, DateTimeOffset.UtcNow).ShouldBeFalse();
        marksAfter.DowntimeOf(diskId, DateTimeOffset.UtcNow).ShouldBe(handSet);

        // The failure during the deploy was recorded, not told; it is told once the downtime is lifted, naming the release.
        (await Eventually.ForAsync(() => { lock (planned) { return planned.Count > 0; } }, TimeSpan.FromSeconds(30), ct)).ShouldBeTrue();
        var problem = planned.ShouldHaveSingleItem();
        problem.Type.ShouldBe("PROBLEM");
        problem.Output.ShouldBe("HTTP CRITICAL - 502 Bad Gateway");
        problem.At.ShouldBeGreaterThanOrEqualTo(mark.FinishedAt!.Value);
        problem.Deploy.ShouldNotBeNull().Release.ShouldBe(release);
        problem.ToText().ShouldContain($"Release: after deploy of release {release} ({commit[..7]}) to production");
        runs.HardChanges.ShouldContain(e => e.Check == siteId && e.SuppressedBecause == "in downtime");

        (await Eventually.ForAsync(async () => (await MonitorStateFile.LoadAsync(statePath, ct))?.Checks.Single().AfterDeploy?.Release == release,
            TimeSpan.FromSeconds(30), ct)).ShouldBeTrue(await File.ReadAllTextAsync(statePath, ct));
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(30), ct);

        // slipway status lists the stage's open problem and the release it follows.
        var status = await site.RunAsync("status", "--json");
        status.ExitCode.ShouldBe(0, status.Output);
        var stage = JsonDocument.Parse(status.Stdout).RootElement.EnumerateArray().Single();
        var open = stage.GetProperty("problems").EnumerateArray().ShouldHaveSingleItem();
        open.GetProperty("check").GetString().ShouldBe(siteId);
        open.GetProperty("state").GetString().ShouldBe("CRITICAL");
        open.GetProperty("output").GetString().ShouldBe("HTTP CRITICAL - 502 Bad Gateway");
        open.GetProperty("after_deploy").GetProperty("release").GetString().ShouldBe(release);
        var text = await site.RunAsync("status");
        text.Stdout.ShouldContain($"CRITICAL {siteId}");
        text.Stdout.ShouldContain($"after deploy of release {release}");
    }

    /// <summary>Every HARD change the scheduler reported.</summary>
    private sealed class EventsSink : ICheckRunSink
    {
        private readonly List<MonitorEvent> _events = [];
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public IReadOnlyList<MonitorEvent> HardChanges
        {
            get
            {
                lock (_events)
                {
                    return [.. _events.Where(e => e.Kind == MonitorEventKind.HardStateChange)];
                }
            }
        }

        public ValueTask RecordAsync(CheckRun run, CancellationToken ct)
        {
            lock (_events)
            {
                _events.AddRange(run.Events);
            }

            Interlocked.Increment(ref _count);
            return ValueTask.CompletedTask;
        }
    }
}
