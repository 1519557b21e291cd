using Microsoft.Extensions.Time.Testing;
using Slipway.Logs.Model;
using Slipway.Logs.Server;
using Slipway.Logs.Storage;
using Slipway.Testing;

namespace Slipway.Logs.Tests;

/// <summary>The server's retention loop on a fake clock: batches until done, then again every ten minutes.</summary>
public sealed class RetentionLoopTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact(Timeout = 60_000)]
    public async Task The_server_deletes_events_past_retention_in_batches_and_again_as_time_passes()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var db = dir.File("logs.db");
        await using (var seed = LogStoreFactory.Open(db))
        {
            await seed.MigrateAsync(ct);
            // More than one batch of 2,000 past the 1-day retention, one event 5 minutes inside it, one well inside.
            await seed.WriteAsync([.. Enumerable.Range(0, 4_500).Select(i => Event(Now.AddDays(-2).AddSeconds(i), "expired " + i))], ct);
            await seed.WriteAsync([Event(Now.AddDays(-1).AddMinutes(5), "expires in five minutes"), Event(Now.AddHours(-1), "recent")], ct);
        }

        var clock = new FakeTimeProvider(Now);
        await using var server = new LogServer(new LogServerOptions { Database = db, RetentionDays = 1 }, null, clock);
        await server.StartAsync(ct);

        // The loop waits on the fake clock between batches (50 ms) and rounds (10 minutes): time moves only when told to.
        var firstRound = await AdvanceUntilAsync(clock, TimeSpan.FromMilliseconds(50), server.Store,
            messages => messages.Count == 2, TimeSpan.FromMinutes(1), ct);
        firstRound.ShouldBe(["recent", "expires in five minutes"], "the first round should delete exactly the 4,500 expired events");

        // The next round, ten minutes later, takes the event that has expired meanwhile and nothing else.
        var secondRound = await AdvanceUntilAsync(clock, TimeSpan.FromSeconds(30), server.Store,
            messages => messages.Count == 1, TimeSpan.FromMinutes(15), ct);
        secondRound.ShouldBe(["recent"]);
        clock.GetUtcNow().ShouldBeGreaterThanOrEqualTo(Now.AddMinutes(10), "deleted before the next round was due");
    }

    private static LogEvent Event(DateTimeOffset at, string message) =>
        new() { ReceivedAt = at, Host = "web1", Program = "app", Severity = 6, Message = message, Facility = 16 };

    private static async Task<List<string>> Messages(ILogStore store, CancellationToken ct) =>
        [.. (await store.QueryAsync(new LogQuery { Limit = 10_000 }, ct)).Select(e => e.Event.Message)];

    /// <summary>Moves the fake clock by <paramref name="step"/> until the stored messages satisfy <paramref name="done"/>.</summary>
    private static async Task<List<string>> AdvanceUntilAsync(FakeTimeProvider clock, TimeSpan step, ILogStore store,
        Func<List<string>, bool> done, TimeSpan atMost, CancellationToken ct)
    {
        var until = clock.GetUtcNow() + atMost;
        List<string> messages = [];
        var reached = await Eventually.ForAsync(async () =>
        {
            messages = await Messages(store, ct);
            if (done(messages) || clock.GetUtcNow() >= until)
            {
                return true;
            }

            clock.Advance(step);
            return false;
        }, TimeSpan.FromSeconds(40), ct);
        reached.ShouldBeTrue($"retention did not get there in 40 s of real time (messages: {messages.Count})");
        return messages;
    }
}
