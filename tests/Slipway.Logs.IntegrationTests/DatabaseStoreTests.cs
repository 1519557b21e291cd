using Slipway.Logs.IntegrationTests.Fixtures;
using Slipway.Logs.Storage;
using Slipway.Logs.Tests;
using Slipway.Testing;

namespace Slipway.Logs.IntegrationTests;

/// <summary>The store contract (see StoreContract) against real MariaDB and PostgreSQL servers started on loopback.</summary>
public sealed class DatabaseStoreTests
{
    [Fact(Timeout = 240_000)]
    public async Task MariaDb_store_meets_the_contract()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await MariaDbServer.StartAsync(ct);
        await server.CreateDatabaseAsync("logs", ct);
        await using var store = LogStoreFactory.Open(server.Url("logs"));
        store.Kind.ShouldBe("mysql");
        await StoreContract.RunAsync(store, ct);
    }

    [Fact(Timeout = 240_000)]
    public async Task MariaDb_store_time_conditions_and_retention_are_exact_out_of_order_and_inside_a_minute()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await MariaDbServer.StartAsync(ct);
        await server.CreateDatabaseAsync("logs", ct);
        await using (var store = LogStoreFactory.Open(server.Url("logs")))
        {
            await store.MigrateAsync(ct);
            await StoreContract.SinceIsExactOutOfOrderAsync(store, ct);
        }

        // The same server, a database of its own (a server start costs more than the test).
        await server.CreateDatabaseAsync("retention", ct);
        await using var retention = LogStoreFactory.Open(server.Url("retention"));
        await retention.MigrateAsync(ct);
        await StoreContract.RetentionFollowsEventTimeAsync(retention, ct);
    }

    [Theory(Timeout = 240_000)]
    [InlineData(true)] // batches by LOAD DATA LOCAL INFILE
    [InlineData(false)] // the server refuses LOCAL INFILE: multi-row INSERTs
    public async Task MariaDb_store_keeps_every_character_of_awkward_text_with_or_without_local_infile(bool localInfile)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await MariaDbServer.StartAsync(ct, localInfile ? null : ["--local-infile=0"]);
        await server.CreateDatabaseAsync("logs", ct);
        await using var store = LogStoreFactory.Open(server.Url("logs"));
        await store.MigrateAsync(ct);
        string[] messages =
        [
            "tab\there", "line\nbreak\r\nwindows", "back\\slash \\N \\t", "nul\0byte", "\\", "ünïcödé 😀 日本語", "", "trailing\\",
        ];
        await store.WriteAsync([.. messages.Select((m, i) => StoreContract.Event(i, "h\tost\\" + i, "prog", 6, m) with { StructuredData = "[x k=\"v\\\"\"]" })], ct);
        var stored = (await store.QueryAsync(new LogQuery { Limit = 100 }, ct)).Reverse().ToList();
        stored.Select(e => e.Event.Message).ShouldBe(messages);
        stored.Select(e => e.Event.Host).ShouldBe(messages.Select((_, i) => "h\tost\\" + i));
        stored[0].Event.StructuredData.ShouldBe("[x k=\"v\\\"\"]");
        stored[0].Event.ReportedAt.ShouldBeNull();
        stored[0].Event.Fingerprint.ShouldBeNull();
        (await store.QueryAsync(new LogQuery { Text = "windows" }, ct)).Single().Event.Message.ShouldBe(messages[1]);
    }

    [Theory(Timeout = 240_000)]
    [InlineData(true)] // both tables by LOAD DATA LOCAL INFILE
    [InlineData(false)] // the server refuses LOCAL INFILE: multi-row INSERTs
    public async Task MariaDb_store_can_also_fill_rsyslogs_SystemEvents_table_for_LogAnalyzer(bool localInfile)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await MariaDbServer.StartAsync(ct, localInfile ? null : ["--local-infile=0"]);
        await server.CreateDatabaseAsync("Syslog", ct);
        await using var store = LogStoreFactory.Open(server.Url("Syslog") + "?systemevents=1");
        await store.MigrateAsync(ct);
        const string awkward = "tab\there back\\slash \\N line\nbreak";
        await store.WriteAsync(
        [
            StoreContract.Event(0, "web1", "nginx", 3, "upstream timed out") with { ProcId = "812" },
            StoreContract.Event(1, "db1", "postgres", 6, "checkpoint complete"),
            StoreContract.Event(2, "db1", "postgres", 6, awkward),
        ], ct);

        var rows = await ProcessTools.RunAsync("mariadb",
            ["--no-defaults", "-h127.0.0.1", $"-P{server.Port}", "-uroot", "-N", "-B", "Syslog", "-e",
             "SELECT FromHost, Facility, Priority, SysLogTag, ProcessID, Message, InfoUnitID, ReceivedAt, DeviceReportedTime FROM SystemEvents WHERE ID < 3 ORDER BY ID"], ct);
        rows.ExitCode.ShouldBe(0, rows.Stderr);
        var local = StoreContract.T0.ToLocalTime();
        string At(int minute) => local.AddMinutes(minute).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        rows.Stdout.ShouldBe($"web1\t16\t3\tnginx[812]:\t812\tupstream timed out\t1\t{At(0)}\t{At(0)}\ndb1\t16\t6\tpostgres:\t\tcheckpoint complete\t1\t{At(1)}\t{At(1)}\n");
        var hex = await ProcessTools.RunAsync("mariadb",
            ["--no-defaults", "-h127.0.0.1", $"-P{server.Port}", "-uroot", "-N", "-B", "Syslog", "-e", "SELECT HEX(Message) FROM SystemEvents WHERE ID = 3"], ct);
        hex.Stdout.Trim().ShouldBe(Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(awkward)));
        (await store.QueryAsync(new LogQuery(), ct)).Count.ShouldBe(3); // Slipway's own tables are written too
    }

    [Fact(Timeout = 240_000)]
    public async Task MariaDb_store_writes_no_own_rows_when_its_SystemEvents_copy_fails()
    {
        // The copy runs on a second connection beside the own write; a failed copy must fail the whole batch (so the
        // spool keeps it), not leave the own rows written without their SystemEvents rows.
        var ct = TestContext.Current.CancellationToken;
        await using var server = await MariaDbServer.StartAsync(ct);
        await server.CreateDatabaseAsync("Syslog", ct);
        await using var store = LogStoreFactory.Open(server.Url("Syslog") + "?systemevents=1");
        await store.MigrateAsync(ct);
        await store.WriteAsync([StoreContract.Event(0, "web1", "nginx", 3, "before the table went")], ct);
        var drop = await ProcessTools.RunAsync("mariadb",
            ["--no-defaults", "-h127.0.0.1", $"-P{server.Port}", "-uroot", "Syslog", "-e", "DROP TABLE SystemEvents"], ct);
        drop.ExitCode.ShouldBe(0, drop.Stderr);

        await Should.ThrowAsync<Exception>(() => store.WriteAsync([StoreContract.Event(1, "web1", "nginx", 3, "after")], ct));

        var events = await store.QueryAsync(new LogQuery(), ct);
        events.Select(e => e.Event.Message).ShouldBe(["before the table went"]);
    }

    [Fact(Timeout = 240_000)]
    public async Task Postgres_store_meets_the_contract()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await PostgresServer.StartAsync(ct);
        await server.CreateDatabaseAsync("logs", ct);
        await using var store = LogStoreFactory.Open(server.Url("logs"));
        store.Kind.ShouldBe("postgres");
        await StoreContract.RunAsync(store, ct);
    }

    [Fact(Timeout = 240_000)]
    public async Task Postgres_store_time_conditions_and_retention_are_exact_out_of_order_and_inside_a_minute()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await PostgresServer.StartAsync(ct);
        await server.CreateDatabaseAsync("logs", ct);
        await using (var store = LogStoreFactory.Open(server.Url("logs")))
        {
            await store.MigrateAsync(ct);
            await StoreContract.SinceIsExactOutOfOrderAsync(store, ct);
        }

        // The same server, a database of its own (a server start costs more than the test).
        await server.CreateDatabaseAsync("retention", ct);
        await using var retention = LogStoreFactory.Open(server.Url("retention"));
        await retention.MigrateAsync(ct);
        await StoreContract.RetentionFollowsEventTimeAsync(retention, ct);
    }

    [Fact(Timeout = 240_000)]
    public async Task Postgres_store_can_also_fill_rsyslogs_SystemEvents_table_for_LogAnalyzer()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await PostgresServer.StartAsync(ct);
        await server.CreateDatabaseAsync("syslog", ct);
        await using var store = LogStoreFactory.Open(server.Url("syslog") + "?systemevents=1");
        await store.MigrateAsync(ct);
        await store.WriteAsync(
        [
            StoreContract.Event(0, "web1", "nginx", 3, "upstream timed out") with { ProcId = "812" },
            StoreContract.Event(1, "db1", "postgres", 6, "checkpoint complete"),
        ], ct);

        // Read back as LogAnalyzer's pgsql driver does: unquoted (lower-cased) names.
        await using var connection = new Npgsql.NpgsqlConnection($"Host=127.0.0.1;Port={server.Port};Username=slipway;Database=syslog");
        await connection.OpenAsync(ct);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT FromHost, Facility, Priority, SysLogTag, ProcessID, Message, InfoUnitID FROM SystemEvents ORDER BY ID";
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        rows.ShouldBe(["web1|16|3|nginx[812]:|812|upstream timed out|1", "db1|16|6|postgres:||checkpoint complete|1"]);
        (await store.QueryAsync(new LogQuery(), ct)).Count.ShouldBe(2);
    }
}
