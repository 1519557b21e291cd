using System.Data.Common;
using Microsoft.Data.Sqlite;
using Slipway.Logs.Model;

namespace Slipway.Logs.Storage;

/// <summary>SQLite: one file, WAL, one transaction per batch through prepared statements, FTS5 for the text.</summary>
public sealed class SqliteLogStore(string path) : SqlLogStore
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    public override string Kind => "sqlite";

    public string Path { get; } = path;

    protected override IReadOnlyList<IReadOnlyList<string>> Migrations { get; } =
    [
        [
            """
            CREATE TABLE log_events (
              id INTEGER PRIMARY KEY,
              received_at INTEGER NOT NULL, reported_at INTEGER,
              facility INTEGER NOT NULL, severity INTEGER NOT NULL,
              host TEXT NOT NULL, program TEXT NOT NULL, procid TEXT NOT NULL, msgid TEXT NOT NULL, sd TEXT NOT NULL,
              message TEXT NOT NULL, flags INTEGER NOT NULL, fingerprint TEXT)
            """,
            "CREATE INDEX log_events_received ON log_events (received_at)",
            "CREATE INDEX log_events_host ON log_events (host, id)",
            "CREATE INDEX log_events_program ON log_events (program, id)",
            "CREATE INDEX log_events_severity ON log_events (severity, id)",
            "CREATE INDEX log_events_fingerprint ON log_events (fingerprint, id) WHERE fingerprint IS NOT NULL",
            "CREATE VIRTUAL TABLE log_events_fts USING fts5 (message, content='log_events', content_rowid='id')",
            """
            CREATE TABLE log_groups (fingerprint TEXT PRIMARY KEY, title TEXT NOT NULL, first_seen INTEGER NOT NULL,
              last_seen INTEGER NOT NULL, total INTEGER NOT NULL, example TEXT NOT NULL)
            """,
            """
            CREATE TABLE log_group_hours (fingerprint TEXT NOT NULL, hour INTEGER NOT NULL, host TEXT NOT NULL, n INTEGER NOT NULL,
              PRIMARY KEY (fingerprint, hour, host))
            """,
            "CREATE TABLE log_state (k TEXT PRIMARY KEY, v TEXT NOT NULL)",
        ],
    ];

    protected override string? ConnectionSetupSql => "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;";

    protected override DbConnection CreateConnection() => new SqliteConnection(_connectionString);

    protected override string EventsFrom(bool withText) =>
        withText ? "log_events_fts JOIN log_events e ON e.id = log_events_fts.rowid" : "log_events e";

    protected override string TextCondition => "log_events_fts MATCH @text";

    /// <summary>Every word quoted (so FTS5 syntax in user input is literal); adjacent strings are ANDed.</summary>
    protected override string TextParameter(string words) =>
        string.Join(' ', Words(words).Select(w => "\"" + w.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));

    protected override string UpsertGroupSql => """
        INSERT INTO log_groups (fingerprint, title, first_seen, last_seen, total, example)
        VALUES (@fp, @title, @first, @last, @n, @example)
        ON CONFLICT (fingerprint) DO UPDATE SET
          last_seen = max(log_groups.last_seen, excluded.last_seen), total = log_groups.total + excluded.total, title = excluded.title
        """;

    protected override string UpsertHourSql => """
        INSERT INTO log_group_hours (fingerprint, hour, host, n) VALUES (@fp, @hour, @host, @n)
        ON CONFLICT (fingerprint, hour, host) DO UPDATE SET n = log_group_hours.n + excluded.n
        """;

    protected override string UpsertStateSql => "INSERT INTO log_state (k, v) VALUES (@k, @v) ON CONFLICT (k) DO UPDATE SET v = excluded.v";

    protected override string BeforeDeleteSql => """
        INSERT INTO log_events_fts (log_events_fts, rowid, message)
        SELECT 'delete', id, message FROM log_events WHERE id <= @max AND received_at < @cutoff
        """;

    protected override async Task InsertEventsAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<LogEvent> batch, CancellationToken ct)
    {
        long firstId;
        await using (var max = Command(connection, tx, "SELECT COALESCE(MAX(id), 0) FROM log_events"))
        {
            firstId = (long)(await max.ExecuteScalarAsync(ct))! + 1;
        }

        await using var insert = Command(connection, tx, """
            INSERT INTO log_events (id, received_at, reported_at, facility, severity, host, program, procid, msgid, sd, message, flags, fingerprint)
            VALUES (@id, @received, @reported, @facility, @severity, @host, @program, @procid, @msgid, @sd, @message, @flags, @fp)
            """);
        var id = Param(insert, "id", 0L);
        var received = Param(insert, "received", 0L);
        var reported = Param(insert, "reported", null);
        var facility = Param(insert, "facility", 0);
        var severity = Param(insert, "severity", 0);
        var host = Param(insert, "host", "");
        var program = Param(insert, "program", "");
        var procId = Param(insert, "procid", "");
        var msgId = Param(insert, "msgid", "");
        var sd = Param(insert, "sd", "");
        var message = Param(insert, "message", "");
        var flags = Param(insert, "flags", 0);
        var fp = Param(insert, "fp", null);
        await insert.PrepareAsync(ct);

        // SQLite runs in-process: the synchronous calls are what the async ones do anyway, minus a Task per row.
        var next = firstId;
        foreach (var e in batch)
        {
            id.Value = next++;
            received.Value = e.ReceivedAt.ToUnixTimeMilliseconds();
            reported.Value = e.ReportedAt is { } r ? r.ToUnixTimeMilliseconds() : DBNull.Value;
            facility.Value = e.Facility;
            severity.Value = e.Severity;
            host.Value = e.Host;
            program.Value = e.Program;
            procId.Value = e.ProcId;
            msgId.Value = e.MsgId;
            sd.Value = e.StructuredData;
            message.Value = e.Message;
            flags.Value = (int)e.Flags;
            fp.Value = (object?)e.Fingerprint ?? DBNull.Value;
#pragma warning disable VSTHRD103
            insert.ExecuteNonQuery();
#pragma warning restore VSTHRD103
        }

        // One statement indexes the whole batch's text.
        await using var fts = Command(connection, tx,
            "INSERT INTO log_events_fts (rowid, message) SELECT id, message FROM log_events WHERE id >= @first");
        Param(fts, "first", firstId);
        await fts.ExecuteNonQueryAsync(ct);
    }
}
