using Slipway.Logs.Model;
using Slipway.Logs.Storage;
using Slipway.Logs.Tracebacks;

namespace Slipway.Logs.Tests;

/// <summary>What every store must do; run against SQLite here and against real MariaDB/PostgreSQL in the integration tests.</summary>
public static class StoreContract
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    public const string Traceback = """
        Traceback (most recent call last):
          File "/srv/app/shop/views.py", line 42, in checkout
            total = compute(order)
        KeyError: 'sku'
        """;

    public static LogEvent Event(int minute, string host, string program, int severity, string message) =>
        new() { ReceivedAt = T0.AddMinutes(minute), Host = host, Program = program, Severity = severity, Message = message, Facility = 16 };

    /// <summary>
    /// Time conditions stay exact when ids and times disagree (a replayed spool, a held-back traceback) and when a bound
    /// falls inside a minute: the stores bound the id range by a row per minute, then compare received_at. On a migrated, empty store.
    /// </summary>
    public static async Task SinceIsExactOutOfOrderAsync(ILogStore store, CancellationToken ct)
    {
        await store.WriteAsync([Event(50, "a", "p", 6, "new first"), Event(1, "a", "p", 6, "old second")], ct);
        await store.WriteAsync([Event(0, "a", "p", 6, "oldest third"), Event(49, "a", "p", 6, "newish fourth")], ct);
        await store.WriteAsync([Event(0, "a", "p", 6, "late in minute zero") with { ReceivedAt = T0.AddSeconds(45) }], ct);

        var since = await store.QueryAsync(new LogQuery { Since = T0.AddMinutes(1) }, ct);
        since.Select(e => e.Event.Message).ShouldBe(["newish fourth", "old second", "new first"]);
        (await store.QueryAsync(new LogQuery { Since = T0.AddSeconds(30) }, ct)).Select(e => e.Event.Message)
            .ShouldBe(["late in minute zero", "newish fourth", "old second", "new first"]);
        (await store.QueryAsync(new LogQuery { Since = T0.AddMinutes(1), Text = "old" }, ct)).Single().Event.Message.ShouldBe("old second");
        (await store.QueryAsync(new LogQuery { Since = T0.AddMinutes(51) }, ct)).ShouldBeEmpty();
        (await store.ErrorCountsAsync(T0, T0.AddHours(1), ct)).ShouldBeEmpty();
        // Retention may defer an out-of-order old event (it stops at the first id of the cutoff's minute) but never
        // deletes one received at or after the cutoff.
        (await store.DeleteOlderThanAsync(T0.AddSeconds(30), 100, ct)).ShouldBeInRange(0, 1);
        (await store.QueryAsync(new LogQuery { Since = T0.AddSeconds(30) }, ct)).Count.ShouldBe(4);
        (await store.DeleteOlderThanAsync(T0.AddMinutes(2), 100, ct)).ShouldBeInRange(0, 3);
        (await store.QueryAsync(new LogQuery { Since = T0.AddMinutes(2) }, ct)).Count.ShouldBe(2);
    }

    public static async Task RunAsync(ILogStore store, CancellationToken ct)
    {
        var version = await store.MigrateAsync(ct);
        version.ShouldBeGreaterThanOrEqualTo(1);
        (await store.MigrateAsync(ct)).ShouldBe(version); // idempotent

        var tb = TracebackAssembler.WithFingerprint(Event(5, "web1", "gunicorn", 3, Traceback));
        await store.WriteAsync(
        [
            Event(0, "web1", "nginx", 6, "GET /index.html 200"),
            Event(1, "web2", "nginx", 4, "upstream timed out while reading response"),
            Event(2, "db1", "postgres", 3, "could not serialize access due to concurrent update"),
            Event(3, "web1", "gunicorn", 6, "worker booted pid 77"),
            tb,
            TracebackAssembler.WithFingerprint(Event(65, "web2", "gunicorn", 3, Traceback)),
            TracebackAssembler.WithFingerprint(Event(66, "web2", "gunicorn", 3, Traceback)),
        ], ct);

        var all = await store.QueryAsync(new LogQuery(), ct);
        all.Count.ShouldBe(7);
        all.Select(e => e.Id).ShouldBeInOrder(SortDirection.Descending);
        all[^1].Event.Message.ShouldBe("GET /index.html 200");
        all[^1].Event.ReceivedAt.ShouldBe(T0);
        all[^1].Event.Facility.ShouldBe(16);

        (await store.QueryAsync(new LogQuery { Host = "web1" }, ct)).Count.ShouldBe(3);
        (await store.QueryAsync(new LogQuery { Program = "nginx" }, ct)).Count.ShouldBe(2);
        (await store.QueryAsync(new LogQuery { MaxSeverity = 3 }, ct)).Count.ShouldBe(4);
        (await store.QueryAsync(new LogQuery { Since = T0.AddMinutes(2), Until = T0.AddMinutes(4) }, ct)).Count.ShouldBe(2);
        var text = await store.QueryAsync(new LogQuery { Text = "upstream timed" }, ct);
        text.Single().Event.Host.ShouldBe("web2");
        (await store.QueryAsync(new LogQuery { Text = "upstream missingword" }, ct)).ShouldBeEmpty();
        (await store.QueryAsync(new LogQuery { Text = "\"quoted\" (AND) *" }, ct)).ShouldBeEmpty(); // syntax is literal
        (await store.QueryAsync(new LogQuery { Text = "serialize", Host = "db1", MaxSeverity = 3 }, ct)).Count.ShouldBe(1);

        // Keyset paging: pages of 3 cover everything once, newest first.
        var seen = new List<long>();
        long? before = null;
        while (true)
        {
            var page = await store.QueryAsync(new LogQuery { Limit = 3, BeforeId = before }, ct);
            if (page.Count == 0)
            {
                break;
            }

            seen.AddRange(page.Select(p => p.Id));
            before = page[^1].Id;
        }

        seen.ShouldBe(all.Select(e => e.Id).ToList());

        var groups = await store.TopGroupsAsync(T0, T0.AddHours(2), 10, ct);
        var group = groups.Single();
        group.Fingerprint.ShouldBe(tb.Fingerprint);
        group.Title.ShouldBe("KeyError: 'sku'");
        group.CountInWindow.ShouldBe(3);
        group.TotalCount.ShouldBe(3);
        group.HostCount.ShouldBe(2);
        group.FirstSeen.ShouldBe(T0.AddMinutes(5));
        group.LastSeen.ShouldBe(T0.AddMinutes(66));

        var lastHour = (await store.TopGroupsAsync(T0.AddHours(1), T0.AddHours(2), 10, ct)).Single();
        lastHour.CountInWindow.ShouldBe(2);
        lastHour.CountPreviousWindow.ShouldBe(1);

        var detail = (await store.GetGroupAsync(tb.Fingerprint!, ct))!;
        detail.Example.ShouldBe(Traceback);
        detail.Hours.Select(h => h.Count).ShouldBe([1L, 2L]);
        detail.Hosts.ShouldBe([new HostCount("web2", 2), new HostCount("web1", 1)]);
        (await store.GetGroupAsync("nope", ct)).ShouldBeNull();
        (await store.QueryAsync(new LogQuery { Fingerprint = tb.Fingerprint }, ct)).Count.ShouldBe(3);

        var errors = await store.ErrorCountsAsync(T0, T0.AddHours(2), ct);
        errors.ShouldBe([new ErrorCount("web2", "gunicorn", 2), new ErrorCount("db1", "postgres", 1), new ErrorCount("web1", "gunicorn", 1)]);

        (await store.GetStateAsync("digest.last", ct)).ShouldBeNull();
        await store.SetStateAsync("digest.last", "a", ct);
        await store.SetStateAsync("digest.last", "b", ct);
        (await store.GetStateAsync("digest.last", ct)).ShouldBe("b");

        (await store.DeleteOlderThanAsync(T0.AddMinutes(3), 2, ct)).ShouldBe(2);
        (await store.DeleteOlderThanAsync(T0.AddMinutes(3), 2, ct)).ShouldBe(1);
        (await store.DeleteOlderThanAsync(T0.AddMinutes(3), 2, ct)).ShouldBe(0);
        (await store.QueryAsync(new LogQuery(), ct)).Count.ShouldBe(4);
        (await store.QueryAsync(new LogQuery { Text = "upstream" }, ct)).ShouldBeEmpty();
    }
}
