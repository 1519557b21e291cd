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
        // Retention never deletes an event received at or after the cutoff (what it may defer: RetentionFollowsEventTimeAsync).
        var kept = await store.DeleteOlderThanAsync(T0.AddSeconds(30), 100, ct);
        (await store.QueryAsync(new LogQuery { Since = T0.AddSeconds(30) }, ct)).Count.ShouldBe(4);
        (await store.QueryAsync(new LogQuery(), ct)).Count.ShouldBe(5 - kept);
        var older = await store.DeleteOlderThanAsync(T0.AddMinutes(2), 100, ct);
        (await store.QueryAsync(new LogQuery { Since = T0.AddMinutes(2) }, ct)).Count.ShouldBe(2);
        (await store.QueryAsync(new LogQuery(), ct)).Count.ShouldBe(5 - kept - older);
    }

    /// <summary>
    /// Retention goes by the time an event was received, whatever order events were written in (a replayed spool, a
    /// held-back traceback): drained in small batches as the server does, it never deletes an event received at or after
    /// the cutoff, and deletes every older one except those it may defer, an event received in the cutoff's minute or
    /// written after one received in that minute or later (the id range it scans stops there). A deferred event goes once the cutoff passes the
    /// events written before it. On a migrated, empty store.
    /// </summary>
    public static async Task RetentionFollowsEventTimeAsync(ILogStore store, CancellationToken ct)
    {
        var written = new List<LogEvent>(); // in id order: one writer, batches in turn
        var batchOf = new List<int>(); // the batch each written event came in
        var batches = 0;
        async Task WriteAsync(IEnumerable<LogEvent> batch)
        {
            var list = batch.ToList();
            await store.WriteAsync(list, ct);
            batchOf.AddRange(Enumerable.Repeat(batches++, list.Count));
            written.AddRange(list);
        }

        await WriteAsync(Enumerable.Range(0, 10).Select(m => Event(m, "a", "p", 6, "live " + m)));
        await WriteAsync([Event(2, "b", "p", 6, "spool 2"), Event(3, "b", "p", 6, "spool 3") with { ReceivedAt = T0.AddMinutes(3).AddSeconds(30) }]);
        await WriteAsync(Enumerable.Range(10, 5).Select(m => Event(m, "a", "p", 6, "live " + m)));
        await WriteAsync([Event(1, "c", "p", 3, "held back 1")]);

        var present = written.Select(e => e.Message).ToHashSet(StringComparer.Ordinal);
        TimeSpan[] cutoffs =
        [
            TimeSpan.FromSeconds(150), TimeSpan.FromSeconds(195), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(9),
            TimeSpan.FromMinutes(12), TimeSpan.FromMinutes(20),
        ];
        foreach (var offset in cutoffs)
        {
            var cutoff = T0 + offset;
            var cutoffMinute = cutoff.ToUnixTimeMilliseconds() / 60_000;
            var deleted = 0;
            for (var round = 0; ; round++)
            {
                round.ShouldBeLessThan(100, "retention never reported it was done");
                var n = await store.DeleteOlderThanAsync(cutoff, 2, ct);
                n.ShouldBeInRange(0, 2);
                if (n == 0)
                {
                    break;
                }

                deleted += n;
            }

            var remaining = (await store.QueryAsync(new LogQuery { Limit = 1_000 }, ct)).Select(e => e.Event.Message).ToHashSet(StringComparer.Ordinal);
            for (var i = 0; i < written.Count; i++)
            {
                var e = written[i];
                if (e.ReceivedAt >= cutoff)
                {
                    remaining.ShouldContain(e.Message, $"cutoff {offset}: deleted an event received after it");
                    continue;
                }

                // Itself and its own batch included: an event of the cutoff's own minute may wait for the next round, and
                // a server's ids may leave gaps inside a batch (InnoDB reserves them in blocks), so a minute's first id
                // is known only as at most its batch's.
                var deferrable = written.Where((earlier, j) => batchOf[j] <= batchOf[i])
                    .Any(earlier => earlier.ReceivedAt.ToUnixTimeMilliseconds() / 60_000 >= cutoffMinute);
                if (!deferrable)
                {
                    remaining.ShouldNotContain(e.Message,
                        $"cutoff {offset}: kept '{e.Message}', received before it (deleted {deleted}; left: {string.Join(", ", remaining)})");
                }
            }

            deleted.ShouldBe(present.Count - remaining.Count, $"cutoff {offset}: the counts returned differ from the rows gone");
            present = remaining;
        }

        present.ShouldBeEmpty("every event is older than the last cutoff");
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
