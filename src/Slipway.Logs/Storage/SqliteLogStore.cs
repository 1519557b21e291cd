using System.Buffers;
using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using Slipway.Logs.Model;
using SQLitePCL;

namespace Slipway.Logs.Storage;

/// <summary>SQLite: one file, WAL, one transaction per batch through prepared statements, FTS5 for the text.</summary>
/// <param name="path">The database file.</param>
/// <param name="create">Whether a missing file is created; commands that only read pass false.</param>
public sealed class SqliteLogStore(string path, bool create = true) : SqlLogStore
{
    /// <summary>
    /// The writer's own checkpoint threshold (SQLite's default is 1,000 pages). It is only the backstop: after every
    /// batch a checkpoint runs on another connection and thread (<see cref="AfterWrite"/>), so the writer's commit
    /// usually finds the WAL copied back already, and the WAL still restarts from its beginning every few batches.
    /// </summary>
    internal const int WriterAutoCheckpointPages = 4_096;

    private readonly Lock _checkpointLock = new();
    private Task _checkpoint = Task.CompletedTask;

    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
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
        [
            // Intake speed: an index on received_at cost every insert a b-tree write; a row per minute with the
            // smallest id received in it turns "since" into an id range instead (exact: see SinceCondition).
            "DROP INDEX log_events_received",

            // Never chosen by SQLite's planner for the browser's queries (severity alone or with since walks ids newest
            // first; with host or text those drive), so it only cost every insert a b-tree write.
            "DROP INDEX log_events_severity",
            "CREATE TABLE log_minutes (minute INTEGER PRIMARY KEY, first_id INTEGER NOT NULL)",
            "INSERT INTO log_minutes (minute, first_id) SELECT received_at / 60000, MIN(id) FROM log_events GROUP BY received_at / 60000",
            // No per-document sizes (only bm25 ranking reads them; results are ordered by id): one write less per event.
            "DROP TABLE log_events_fts",
            "CREATE VIRTUAL TABLE log_events_fts USING fts5 (message, content='log_events', content_rowid='id', columnsize=0)",
            "INSERT INTO log_events_fts (log_events_fts) VALUES ('rebuild')",
        ],
    ];

    protected override string? ConnectionSetupSql =>
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint="
        + WriterAutoCheckpointPages.ToString(System.Globalization.CultureInfo.InvariantCulture) + ";";

    /// <summary>
    /// Copies the WAL back into the database file on a second connection while the intake writer goes on with its next
    /// batch: with SQLite's default the writer did that copy (and its fsync) itself inside every few commits, about a
    /// tenth of its time. A PASSIVE checkpoint never blocks the writer or readers; one runs at a time.
    /// </summary>
    protected override void AfterWrite()
    {
        lock (_checkpointLock)
        {
            if (_checkpoint.IsCompleted)
            {
                _checkpoint = Task.Run(CheckpointAsync);
            }
        }
    }

    private async Task CheckpointAsync()
    {
        try
        {
            await using var connection = await OpenAsync(CancellationToken.None);
            await using var cmd = Command(connection, null, "PRAGMA wal_checkpoint(PASSIVE)");
            await cmd.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException or IOException)
        {
            // Nothing lost: the WAL holds the pages, and the writer's own autocheckpoint copies them back later. (Never
            // fails DisposeAsync, which waits for this.)
        }
    }

    public override async ValueTask DisposeAsync()
    {
        Task pending;
        lock (_checkpointLock)
        {
            pending = _checkpoint;
        }

        await pending;
        await base.DisposeAsync();
    }

    /// <summary>
    /// With text, host, program and fingerprint are checked for each full-text match in their (column, id) index, which is
    /// small and read in id order, instead of in the table row: a common word on a rare host reads megabytes, not the
    /// whole table (over 10 M events: about 1 s instead of 25 s of CPU when nothing matches).
    /// </summary>
    protected override string EqualsCondition(string column, string parameter, bool withText) =>
        withText
            ? $"EXISTS (SELECT 1 FROM log_events x INDEXED BY log_events_{column} WHERE x.{column} = @{parameter} AND x.id = log_events_fts.rowid)"
            : base.EqualsCondition(column, parameter, withText);

    /// <summary>The digest's error counts walk the window's id range (without this hint SQLite walked the whole host index).</summary>
    protected override string ErrorCountsFrom => "log_events e NOT INDEXED";

    /// <summary>With text, page and order on the FTS index's rowid, so FTS5 itself walks newest first and seeks to "before".</summary>
    protected override string IdColumn(bool withText) => withText ? "log_events_fts.rowid" : "e.id";

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

    protected override string UpsertMinuteSql =>
        "INSERT INTO log_minutes (minute, first_id) VALUES (@m, @id) ON CONFLICT (minute) DO UPDATE SET first_id = min(first_id, excluded.first_id)";

    protected override string BeforeDeleteSql => """
        INSERT INTO log_events_fts (log_events_fts, rowid, message)
        SELECT 'delete', id, message FROM log_events WHERE id <= @max AND received_at < @cutoff
        """;

    protected override async Task InsertEventsAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<LogEvent> batch, CancellationToken ct)
    {
        var firstId = await MaxIdAsync(connection, tx, ct) + 1; // exact here: SQLite has one writer at a time

        // Straight to SQLite's C API: Microsoft.Data.Sqlite looks every named parameter up again on each execution, which
        // was most of the cost per row. One prepared statement, bound by position, stepped and reset per event.
        var db = ((SqliteConnection)connection).Handle!;
        Check(db, raw.sqlite3_prepare_v2(db, """
            INSERT INTO log_events (id, received_at, reported_at, facility, severity, host, program, procid, msgid, sd, message, flags, fingerprint)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
            """, out var insert));
        var utf8 = ArrayPool<byte>.Shared.Rent(4096);

        // A binding stays after a reset: a text column whose value is the one already bound (the empty msgid and
        // structured data of most events, a repeated host) is not converted and bound again.
        var bound = new string?[14];
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
                BindText(insert, 6, e.Host, ref utf8, bound);
                BindText(insert, 7, e.Program, ref utf8, bound);
                BindText(insert, 8, e.ProcId, ref utf8, bound);
                BindText(insert, 9, e.MsgId, ref utf8, bound);
                BindText(insert, 10, e.StructuredData, ref utf8, bound);
                BindText(insert, 11, e.Message, ref utf8, bound);
                raw.sqlite3_bind_int(insert, 12, (int)e.Flags);
                if (e.Fingerprint is { } f)
                {
                    BindText(insert, 13, f, ref utf8, bound);
                }
                else if (bound[13] is not null)
                {
                    // (A freshly prepared statement's parameters are all NULL.)
                    raw.sqlite3_bind_null(insert, 13);
                    bound[13] = null;
                }

                var rc = raw.sqlite3_step(insert);
                raw.sqlite3_reset(insert);
                if (rc != raw.SQLITE_DONE)
                {
                    ArrayPool<byte>.Shared.Return(utf8);
                    Check(db, rc);
                }
            }
        }

        ArrayPool<byte>.Shared.Return(utf8);

        await UpsertMinutesAsync(connection, tx, batch, firstId, ct);

        // One statement indexes the whole batch's text.
        await using var fts = Command(connection, tx,
            "INSERT INTO log_events_fts (rowid, message) SELECT id, message FROM log_events WHERE id >= @first");
        Param(fts, "first", firstId);
        await fts.ExecuteNonQueryAsync(ct);
    }

    /// <summary>SQLite's plan for the query <see cref="SqlLogStore.QueryAsync"/> would run (tests keep the filters index-driven).</summary>
    internal async Task<IReadOnlyList<string>> ExplainQueryPlanAsync(LogQuery query, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var cmd = connection.CreateCommand();
        BuildQuery(cmd, query);
#pragma warning disable CA2100 // the query's own SQL; every value is a parameter
        cmd.CommandText = "EXPLAIN QUERY PLAN " + cmd.CommandText;
#pragma warning restore CA2100
        var plan = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            plan.Add(reader.GetString(3));
        }

        return plan;
    }

    /// <summary>Binds a string as UTF-8 from a reused buffer (the string overload allocates a byte array per value).</summary>
    private static void BindText(sqlite3_stmt statement, int index, string value, ref byte[] buffer, string?[] bound)
    {
        if (bound[index] is { } previous && string.Equals(previous, value, StringComparison.Ordinal))
        {
            return;
        }

        bound[index] = value;
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max > buffer.Length)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = ArrayPool<byte>.Shared.Rent(max);
        }

        var length = Encoding.UTF8.GetBytes(value, buffer);
        raw.sqlite3_bind_text(statement, index, buffer.AsSpan(0, length));
    }

    private static void Check(sqlite3 db, int rc)
    {
        if (rc != raw.SQLITE_OK && rc != raw.SQLITE_DONE)
        {
            throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), rc);
        }
    }
}
