using Slipway.Monitor.Checks;
using Slipway.Monitor.Scheduling;
using Slipway.Monitor.Tests.Support;
using Slipway.Testing;

namespace Slipway.Monitor.Tests.Integration;

/// <summary>The whole path on the real clock: definitions, the factory, the scheduler, real plugins, the sink.</summary>
public sealed class SchedulerWithPluginsTests
{
    [Fact(Timeout = 120_000)]
    public async Task Real_plugins_on_a_one_second_interval_all_run_and_their_states_turn_hard()
    {
        var ct = TestContext.Current.CancellationToken;
        var checkDummy = MonitoringPlugins.Require("check_dummy");
        var options = new CheckOptions
        {
            CheckInterval = TimeSpan.FromSeconds(1),
            RetryInterval = TimeSpan.FromSeconds(1),
            MaxCheckAttempts = 2,
            Timeout = TimeSpan.FromSeconds(10),
        };
        var factory = new CheckFactory();
        var checks = Enumerable.Range(0, 10)
            .Select(i => factory.Create(new CheckDefinition
            {
                Name = $"dummy{i}",
                Options = options,
                Plugin = new PluginCheckOptions($"{checkDummy} {i % 3} 'run {i}'"),
            }))
            .ToList();
        var sink = new ListSink();
        var scheduler = new CheckScheduler(checks, new SchedulerOptions { MaxConcurrency = 4 }, sink);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var loop = scheduler.RunAsync(stop.Token);

        // Two runs each: enough for the WARNING and CRITICAL ones to turn HARD (max_check_attempts 2).
        var done = await Eventually.ForAsync(
            () => sink.Runs.GroupBy(r => r.Check).Count(g => g.Count() >= 2) == checks.Count, TimeSpan.FromSeconds(90), ct);
        await stop.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => loop);

        done.ShouldBeTrue($"runs so far: {string.Join(", ", sink.Runs.GroupBy(r => r.Check).Select(g => $"{g.Key}={g.Count()}"))}");
        var states = scheduler.Snapshot();
        for (var i = 0; i < checks.Count; i++)
        {
            var status = states[$"dummy{i}"];
            status.State.ShouldBe((ServiceState)(i % 3));
            status.Type.ShouldBe(StateType.Hard);
        }

        sink.Runs.First(r => r.Check == "dummy4").Result.Output.ShouldBe("WARNING: run 4");
        sink.Runs.SelectMany(r => r.Events).Count(e => e.Kind == MonitorEventKind.HardStateChange).ShouldBe(6);
        scheduler.Lateness.Count.ShouldBeGreaterThanOrEqualTo(20);
    }
}
