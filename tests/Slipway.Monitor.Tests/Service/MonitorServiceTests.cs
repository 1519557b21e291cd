using System.Net;
using System.Net.Sockets;
using Slipway.Monitor.Checks;
using Slipway.Monitor.Configuration;
using Slipway.Monitor.Scheduling;
using Slipway.Monitor.Service;
using Slipway.Monitor.Tests.Support;
using Slipway.Testing;

namespace Slipway.Monitor.Tests.Service;

/// <summary>
/// The service <c>monitor serve</c> runs, on the real clock with one-second intervals and Debian's real plugins:
/// check_tcp against a socket this test listens on, check_http against a real loopback HTTP server, check_dummy.
/// </summary>
public sealed class MonitorServiceTests : IDisposable
{
    private readonly TempDir _dir = new("slw-monserve-");

    public void Dispose() => _dir.Dispose();

    private static readonly CheckOptions Fast = new()
    {
        CheckInterval = TimeSpan.FromSeconds(1),
        RetryInterval = TimeSpan.FromSeconds(1),
        MaxCheckAttempts = 2,
        Timeout = TimeSpan.FromSeconds(10),
    };

    [Fact(Timeout = 120_000)]
    public async Task Serve_runs_real_plugins_writes_their_states_applies_downtime_and_stops_cleanly()
    {
        var ct = TestContext.Current.CancellationToken;
        var checkTcp = MonitoringPlugins.Require("check_tcp");
        var checkHttp = MonitoringPlugins.Require("check_http");
        var checkDummy = MonitoringPlugins.Require("check_dummy");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var http = new TinyHttpServer();
        var factory = new CheckFactory();
        ScheduledCheck Plugin(string id, string command) =>
            factory.Create(new CheckDefinition { Name = id, Options = Fast, Plugin = new PluginCheckOptions(command) });
        var checks = new[]
        {
            Plugin("port@web1", $"{checkTcp} -H 127.0.0.1 -p {port}"),
            Plugin("site@web1", $"{checkHttp} -H 127.0.0.1 -p {http.Port} -s healthy"),
            Plugin("broken@web1", $"{checkDummy} 2 'disk on fire'"),
            Plugin("quiet@web1", $"{checkDummy} 2 'deploying'"),
        };

        // quiet@web1 is in downtime (as monitor downtime writes it) before the service starts.
        var marksPath = _dir.File(".slipway/monitor-marks.json");
        var marks = new MonitorMarks();
        marks.DowntimeUntil["quiet@web1"] = DateTimeOffset.UtcNow.AddHours(1);
        await marks.SaveAsync(marksPath, ct);
        var statePath = _dir.File(".slipway/monitor-state.json");
        var sink = new ListSink();
        var service = new MonitorService(checks, new MonitorServiceOptions
        {
            MaxConcurrency = 2, MarksPath = marksPath, StatePath = statePath, Housekeeping = TimeSpan.FromMilliseconds(100),
        }, sink);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = service.RunAsync(stop.Token);

        // Given two attempts, both CRITICAL checks turn HARD; the state file says so.
        var hard = await Eventually.ForAsync(async () =>
        {
            var file = await MonitorStateFile.LoadAsync(statePath, ct);
            return file is not null && file.Checks.Count(c => c.IsHardProblem) == 2
                && file.Checks.Count(c => c.State == "OK" && c.LastCheck is not null) == 2;
        }, TimeSpan.FromSeconds(60), ct);
        hard.ShouldBeTrue($"events so far: {string.Join("; ", sink.Runs.SelectMany(r => r.Events).Select(e => e.Check + " " + e.Kind))}");

        // Then an acknowledgement written while it runs is picked up and shown.
        marks.Acknowledged["broken@web1"] = new Acknowledgement(DateTimeOffset.UtcNow, "replacing the disk");
        await marks.SaveAsync(marksPath, ct);
        (await Eventually.ForAsync(async () => (await MonitorStateFile.LoadAsync(statePath, ct))!.Checks.Single(c => c.Id == "broken@web1").Acknowledged,
            TimeSpan.FromSeconds(30), ct)).ShouldBeTrue($"state: {await File.ReadAllTextAsync(statePath, ct)}\nmarks: {await File.ReadAllTextAsync(marksPath, ct)}");

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(30), ct);

        var state = (await MonitorStateFile.LoadAsync(statePath, ct))!.Checks.ToDictionary(c => c.Id);
        state["port@web1"].Output!.ShouldStartWith("TCP OK");
        state["site@web1"].Output!.ShouldStartWith("HTTP OK");
        state["broken@web1"].Output.ShouldBe("CRITICAL: disk on fire");
        state["quiet@web1"].InDowntime.ShouldBeTrue();
        var problems = sink.Runs.SelectMany(r => r.Events).Where(e => e.Kind == MonitorEventKind.HardStateChange).ToList();
        problems.Single(e => e.Check == "broken@web1").Notify.ShouldBeTrue();
        problems.Single(e => e.Check == "quiet@web1").SuppressedBecause.ShouldBe("in downtime");
        http.Requests.ShouldBeGreaterThan(0);
    }
}
