using Slipway.Logs.Storage;
using Slipway.Testing;

namespace Slipway.Logs.Tests;

public sealed class SqliteLogStoreTests
{
    [Fact]
    public async Task Sqlite_store_meets_the_contract()
    {
        using var dir = new TempDir();
        await using var store = LogStoreFactory.Open(dir.File("logs.db"));
        store.Kind.ShouldBe("sqlite");
        await StoreContract.RunAsync(store, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Every_field_round_trips_when_consecutive_events_repeat_or_change_values()
    {
        // The writer binds a text value only when it differs from the one bound for the previous row: empty after
        // non-empty, null fingerprint after a set one, and the same value twice must all come back exactly.
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        await using var store = new SqliteLogStore(dir.File("logs.db"));
        await store.MigrateAsync(ct);
        var events = Enumerable.Range(0, 40).Select(i => StoreContract.Event(i, i % 3 == 0 ? "web1" : "web" + i, i % 2 == 0 ? "app" : "", 6, "m" + i) with
        {
            ProcId = i % 4 < 2 ? "" : "77",
            MsgId = i % 5 == 0 ? "ID" + i : "",
            StructuredData = i % 7 == 3 ? "[a b=\"c\"]" : "",
            Fingerprint = i % 6 is 1 or 2 ? "fp" + (i % 2) : null,
            Title = i % 6 is 1 or 2 ? "E" : null,
            ReportedAt = i % 2 == 0 ? StoreContract.T0 : null,
        }).ToList();
        await store.WriteAsync(events[..25], ct);
        await store.WriteAsync(events[25..], ct);

        var stored = (await store.QueryAsync(new LogQuery { Limit = 100 }, ct)).Select(s => s.Event).Reverse().ToList();
        stored.Count.ShouldBe(40);
        for (var i = 0; i < 40; i++)
        {
            var (want, got) = (events[i], stored[i]);
            (got.Host, got.Program, got.ProcId, got.MsgId, got.StructuredData, got.Message, got.Fingerprint, got.ReportedAt)
                .ShouldBe((want.Host, want.Program, want.ProcId, want.MsgId, want.StructuredData, want.Message, want.Fingerprint, want.ReportedAt),
                    customMessage: "event " + i);
        }
    }

    [Fact]
    public async Task The_wal_is_copied_back_while_batches_keep_coming()
    {
        // Checkpoints run on a second connection after each batch; the WAL must not grow with the number of batches.
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var path = dir.File("logs.db");
        await using var store = new SqliteLogStore(path);
        await store.MigrateAsync(ct);
        long largest = 0;
        for (var b = 0; b < 100; b++)
        {
            await store.WriteAsync(Enumerable.Range(0, 2_000).Select(i => StoreContract.Event(b, "web" + (i % 20), "app", 6,
                $"request b{b} {i} " + new string('x', 200))).ToList(), ct);
            largest = Math.Max(largest, new FileInfo(path + "-wal").Length);
        }

        new FileInfo(path).Length.ShouldBeGreaterThan(100L * 2_000 * 200, "the events are in the database file, not only in the WAL");
        TestContext.Current.TestOutputHelper?.WriteLine($"db {new FileInfo(path).Length}, largest wal {largest}");
        largest.ShouldBeLessThan(2L * SqliteLogStore.WriterAutoCheckpointPages * 4096, "the WAL restarts instead of growing with every batch");
        (await store.QueryAsync(new LogQuery { Text = "b99", Limit = 10_000 }, ct)).Count.ShouldBe(2_000);
    }

    [Theory]
    [InlineData("logs.db", "sqlite")]
    [InlineData("/var/lib/slipway/logs.db", "sqlite")]
    [InlineData("mysql://u:p@127.0.0.1:3307/logs", "mysql")]
    [InlineData("mariadb://u@db/logs", "mysql")]
    [InlineData("postgres://u:p@127.0.0.1/logs", "postgres")]
    [InlineData("postgresql://u:p@127.0.0.1:5433/logs?sslmode=disable", "postgres")]
    public async Task Connection_strings_pick_the_database(string connection, string kind)
    {
        await using var store = LogStoreFactory.Open(connection);
        store.Kind.ShouldBe(kind);
    }

    [Fact]
    public void Bad_connection_strings_say_what_is_expected_without_the_password()
    {
        Should.Throw<LogStoreException>(() => LogStoreFactory.Open("redis://u:secret@h/1")).Message.ShouldSatisfyAllConditions(
            m => m.ShouldContain("Unknown database 'redis://'"),
            m => m.ShouldNotContain("secret"));
        Should.Throw<LogStoreException>(() => LogStoreFactory.Open("mysql://u:secret@h:3306/")).Message.ShouldContain("names no database");
    }
}

public sealed class SqliteQueryPlanTests
{
    private static readonly DateTimeOffset T0 = StoreContract.T0;

    public static TheoryData<string> Filters =>
    [
        "host", "program", "severity", "since", "text", "host+text", "program+text", "since+text", "host+since", "before", "text+before", "fingerprint",
        "host+severity+since",
    ];

    private static LogQuery QueryFor(string filters)
    {
        var q = new LogQuery { Limit = 100 };
        foreach (var f in filters.Split('+'))
        {
            q = f switch
            {
                "host" => q with { Host = "web3" },
                "program" => q with { Program = "nginx" },
                "severity" => q with { MaxSeverity = 3 },
                "since" => q with { Since = T0.AddMinutes(30) },
                "text" => q with { Text = "timed out" },
                "before" => q with { BeforeId = 500 },
                "fingerprint" => q with { Fingerprint = "abc" },
                _ => throw new ArgumentException(f),
            };
        }

        return q;
    }

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Browser_filters_are_answered_from_an_index_newest_first_without_sorting(string filters)
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        await using var store = new SqliteLogStore(dir.File("logs.db"));
        await store.MigrateAsync(ct);
        var events = Enumerable.Range(0, 2_000).Select(i => StoreContract.Event(
            i / 20, "web" + (i % 7), i % 3 == 0 ? "nginx" : "app", i % 8, $"request {i} upstream timed out")).ToList();
        await store.WriteAsync(events, ct);

        var plan = await store.ExplainQueryPlanAsync(QueryFor(filters), ct);
        var text = string.Join(" | ", plan);
        TestContext.Current.TestOutputHelper?.WriteLine(filters + ": " + text);
        text.ShouldNotContain("TEMP B-TREE", customMessage: text);
        if (filters != "severity")
        {
            // Severity alone ("err and worse") walks the table newest first and stops after a page: no sort, no index
            // (SQLite cannot read several severities of (severity, id) in id order). Everything else seeks.
            plan.ShouldNotContain(line => line.StartsWith("SCAN e", StringComparison.Ordinal) && !line.Contains("INDEX", StringComparison.Ordinal), customMessage: text);
        }

        if (filters.Contains("text", StringComparison.Ordinal))
        {
            text.ShouldContain("VIRTUAL TABLE INDEX", customMessage: text);
            text.ShouldContain("SEARCH e USING INTEGER PRIMARY KEY (rowid=?)", customMessage: text);
            if (filters.Contains("host", StringComparison.Ordinal))
            {
                text.ShouldContain("USING COVERING INDEX log_events_host", customMessage: text);
            }
        }
        else if (filters.StartsWith("host", StringComparison.Ordinal))
        {
            text.ShouldContain("USING INDEX log_events_host", customMessage: text);
        }
        else if (filters == "program")
        {
            text.ShouldContain("USING INDEX log_events_program", customMessage: text);
        }
        else if (filters == "fingerprint")
        {
            text.ShouldContain("USING INDEX log_events_fingerprint", customMessage: text);
        }
        else if (filters is "since" or "before")
        {
            text.ShouldContain("USING INTEGER PRIMARY KEY (rowid", customMessage: text);
        }
    }

    [Fact]
    public async Task Since_is_exact_even_when_events_arrive_out_of_order()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        await using var store = new SqliteLogStore(dir.File("logs.db"));
        await store.MigrateAsync(ct);

        await StoreContract.SinceIsExactOutOfOrderAsync(store, ct);
    }

    [Fact(Timeout = 60_000)]
    public async Task Retention_deletes_by_the_time_events_were_received_when_they_arrived_out_of_order()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        await using var store = new SqliteLogStore(dir.File("logs.db"));
        await store.MigrateAsync(ct);

        await StoreContract.RetentionFollowsEventTimeAsync(store, ct);
    }
}
