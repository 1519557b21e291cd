using Slipway.Logs.IntegrationTests.Fixtures;
using Slipway.Monitor.Scheduling;
using Slipway.Monitor.Storage;
using Slipway.Testing;

namespace Slipway.Monitor.Tests.Service;

/// <summary>
/// The history a user reads back, the same on SQLite and on real MariaDB and PostgreSQL servers: raw results, state
/// changes, 5-minute and hourly perfdata, pruning, and output a plugin may print (NUL bytes, quotes, non-ASCII).
/// </summary>
public sealed class MonitorStoreContractTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDir _dir = new("slw-monstore-");

    public void Dispose() => _dir.Dispose();

    private static CheckRun Run(string check, DateTimeOffset at, ServiceState state, double time, params MonitorEvent[] events)
    {
        var result = new CheckResult
        {
            State = state, Output = $"TCP {state.Label()} - {time} s", Duration = TimeSpan.Zero,
            PerfData = [new PerfDatum("time", time, "s", Min: 0), new PerfDatum("size", null, "B")],
        };
        return new CheckRun(check, at, at, result, new CheckStatus { State = state, LastResult = result }, events, at.AddMinutes(1));
    }

    /// <summary>The store on a fresh database of <paramref name="kind"/>, and whatever server holds it.</summary>
    private async Task<(IMonitorStore Store, IAsyncDisposable? Server)> OpenAsync(string kind, CancellationToken ct)
    {
        switch (kind)
        {
            case "mariadb":
            {
                var server = await MariaDbServer.StartAsync(ct);
                await server.CreateDatabaseAsync("monitor", ct);
                return (MonitorStoreFactory.Open(server.Url("monitor")), server);
            }

            case "postgres":
            {
                var server = await PostgresServer.StartAsync(ct);
                await server.CreateDatabaseAsync("monitor", ct);
                return (MonitorStoreFactory.Open(server.Url("monitor")), server);
            }

            default:
                return (MonitorStoreFactory.Open("sqlite://" + _dir.File("monitor.db")), null);
        }
    }

    [Theory(Timeout = 120_000)]
    [InlineData("sqlite")]
    [InlineData("mariadb")]
    [InlineData("postgres")]
    public async Task Results_events_and_rolled_up_perfdata_read_back_and_old_raw_results_are_pruned(string kind)
    {
        var ct = TestContext.Current.CancellationToken;
        var (store, server) = await OpenAsync(kind, ct);
        await using var serverLifetime = server;
        await using var storeLifetime = store;
        store.Kind.ShouldBe(kind);
        await store.MigrateAsync(ct);
        await store.MigrateAsync(ct); // a second start finds the schema in place

        // Given one check a minute for two hours: 0.1 s, 0.2 s, ... repeating every 5 minutes, one CRITICAL with an event.
        var runs = Enumerable.Range(0, 120).Select(i => Run("web@h", T0.AddMinutes(i), ServiceState.Ok, 0.1 * ((i % 5) + 1))).ToList();
        var problem = new MonitorEvent
        {
            Check = "web@h", Kind = MonitorEventKind.HardStateChange, From = ServiceState.Ok, To = ServiceState.Critical,
            Type = StateType.Hard, Attempt = 1, At = T0.AddMinutes(120), Result = runs[0].Result, SuppressedBecause = "in downtime",
        };
        runs.Add(Run("web@h", T0.AddMinutes(120), ServiceState.Critical, 9, problem));
        await store.WriteAsync(runs, ct);

        var rolled = await store.RollupAsync(T0.AddMinutes(121), new RetentionPolicy(), ct);
        var fives = await store.SeriesAsync("web@h", "time", Resolution.FiveMinutes, T0, T0.AddHours(3), ct);
        var hours = await store.SeriesAsync("web@h", "time", Resolution.Hour, T0, T0.AddHours(3), ct);
        var latest = await store.ResultsAsync("web@h", 2, ct);
        var events = await store.EventsAsync(T0, ct);

        rolled.FiveMinuteBuckets.ShouldBe(24);
        rolled.HourBuckets.ShouldBe(2);
        fives.Count.ShouldBe(24, "the bucket at 14:00 is not complete yet");
        fives[0].At.ShouldBe(T0);
        fives[0].Min.ShouldBe(0.1, 1e-6);
        fives[0].Avg.ShouldBe(0.3, 1e-6);
        fives[0].Max.ShouldBe(0.5, 1e-6);
        hours.Select(h => h.At).ShouldBe([T0, T0.AddHours(1)]);
        hours[1].Avg.ShouldBe(0.3, 1e-6);
        latest[0].State.ShouldBe(ServiceState.Critical);
        latest[0].PerfData.ShouldBe("time=9s;;;0 size=U");
        events.Single().SuppressedBecause.ShouldBe("in downtime");

        // Then two days on, the raw results are gone and the rollups stay.
        var later = await store.RollupAsync(T0.AddDays(3), new RetentionPolicy(), ct);
        later.RawDeleted.ShouldBe(121);
        (await store.ResultsAsync("web@h", 10, ct)).ShouldBeEmpty();
        (await store.SeriesAsync("web@h", "time", Resolution.Hour, T0, T0.AddHours(3), ct)).Count.ShouldBe(2);

        // Output as plugins print it: kept as written, except NUL, which PostgreSQL cannot store in text (U+FFFD everywhere).
        var odd = Run("odd@h", T0.AddDays(3), ServiceState.Unknown, 1) with
        {
            Result = new CheckResult { State = ServiceState.Unknown, Output = "garbage \0 'quoted' \"double\" ünïcode ✓\nline 2", Duration = TimeSpan.Zero },
        };
        await store.WriteAsync([odd, odd with { Started = T0.AddDays(3).AddMinutes(1) }], ct);
        var stored = await store.ResultsAsync("odd@h", 5, ct);
        stored.Count.ShouldBe(2);
        stored[0].Output.ShouldBe("garbage \uFFFD 'quoted' \"double\" ünïcode ✓\nline 2");
        stored[0].PerfData.ShouldBe("");
    }
}
