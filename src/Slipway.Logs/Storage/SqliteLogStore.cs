using System.Data.Common;
using Microsoft.Data.Sqlite;
using Slipway.Logs.Model;
using SQLitePCL;

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

        // Straight to SQLite's C API: Microsoft.Data.Sqlite looks every named parameter up again on each execution, which
        // was most of the cost per row. One prepared statement, bound by position, stepped and reset per event.
        var db = ((SqliteConnection)connection).Handle!;
        Check(db, raw.sqlite3_prepare_v2(db, """
            INSERT INTO log_events (id, received_at, reported_at, facility, severity, host, program, procid, msgid, sd, message, flags, fingerprint)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
            """, out var insert));
        using (insert)
        {
            var next = firstId;
            foreach (var e in batch)
            {
                ct.ThrowIfCancellationRequested();
                raw.sqlite3_bind_int64(insert, 1, next++);
                raw.sqlite3_bind_int64(insert, 2, e.ReceivedAt.ToUnixTimeMilliseconds());
                _ = e.ReportedAt is { } r ? raw.sqlite3_bind_int64(insert, 3, r.ToUnixTimeMilliseconds()) : raw.sqlite3_bind_null(insert, 3);
                raw.sqlite3_bind_int(insert, 4, e.Facility);
                raw.sqlite3_bind_int(insert, 5, e.Severity);
                raw.sqlite3_bind_text(insert, 6, e.Host);
                raw.sqlite3_bind_text(insert, 7, e.Program);
                raw.sqlite3_bind_text(insert, 8, e.ProcId);
                raw.sqlite3_bind_text(insert, 9, e.MsgId);
                raw.sqlite3_bind_text(insert, 10, e.StructuredData);
                raw.sqlite3_bind_text(insert, 11, e.Message);
                raw.sqlite3_bind_int(insert, 12, (int)e.Flags);
                if (e.Fingerprint is { } f)
                {
                    raw.sqlite3_bind_text(insert, 13, f);
                }
                else
                {
                    raw.sqlite3_bind_null(insert, 13);
                }

                var rc = raw.sqlite3_step(insert);
                raw.sqlite3_reset(insert);
                if (rc != raw.SQLITE_DONE)
                {
                    Check(db, rc);
                }
            }
        }

        // One statement indexes the whole batch's text.
        await using var fts = Command(connection, tx,
            "INSERT INTO log_events_fts (rowid, message) SELECT id, message FROM log_events WHERE id >= @first");
        Param(fts, "first", firstId);
        await fts.ExecuteNonQueryAsync(ct);
    }

    private static void Check(sqlite3 db, int rc)
    {
        if (rc != raw.SQLITE_OK && rc != raw.SQLITE_DONE)
        {
            throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), rc);
        }
    }
}
