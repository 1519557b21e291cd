using System.Data.Common;
using System.Text;
using MySqlConnector;
using Slipway.Logs.Model;

namespace Slipway.Logs.Storage;

/// <summary>
/// MariaDB / MySQL through MySqlConnector: InnoDB, multi-row inserts, a FULLTEXT index on the message. With
/// <paramref name="systemEvents"/> every batch is also written to rsyslog's <c>SystemEvents</c> table (the
/// ommysql/LogAnalyzer layout), on a second connection at the same time, so an existing LogAnalyzer keeps working.
/// </summary>
public sealed class MySqlLogStore(string connectionString, bool systemEvents = false) : SqlLogStore
{
    private bool? _hasProcessId;
    private bool _bulkRefused;

    private const int RowsPerStatement = 500;

    public override string Kind => "mysql";

    protected override IReadOnlyList<IReadOnlyList<string>> Migrations { get; } =
    [
        [
            """
            CREATE TABLE log_events (
              id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
              received_at BIGINT NOT NULL, reported_at BIGINT NULL,
              facility SMALLINT NOT NULL, severity SMALLINT NOT NULL,
              host VARCHAR(255) NOT NULL, program VARCHAR(128) NOT NULL, procid VARCHAR(128) NOT NULL,
              msgid VARCHAR(64) NOT NULL, sd TEXT NOT NULL, message MEDIUMTEXT NOT NULL, flags INT NOT NULL,
              fingerprint VARCHAR(32) NULL,
              KEY log_events_received (received_at), KEY log_events_host (host, id), KEY log_events_program (program, id),
              KEY log_events_severity (severity, id), KEY log_events_fingerprint (fingerprint, id),
              FULLTEXT KEY log_events_text (message)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
            """,
            """
            CREATE TABLE log_groups (fingerprint VARCHAR(32) NOT NULL PRIMARY KEY, title TEXT NOT NULL, first_seen BIGINT NOT NULL,
              last_seen BIGINT NOT NULL, total BIGINT NOT NULL, example MEDIUMTEXT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
            """,
            """
            CREATE TABLE log_group_hours (fingerprint VARCHAR(32) NOT NULL, hour BIGINT NOT NULL, host VARCHAR(255) NOT NULL,
              n BIGINT NOT NULL, PRIMARY KEY (fingerprint, hour, host)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
            """,
            "CREATE TABLE log_state (k VARCHAR(64) NOT NULL PRIMARY KEY, v TEXT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
        ],
        [
            // Intake speed (issue 15.8): each secondary index is a b-tree write per event. received_at gives way to a row
            // per minute with its smallest id (SqlLogStore.SinceCondition); (severity, id) served no query that the
            // newest-first id walk does not (as on SQLite).
            "ALTER TABLE log_events DROP INDEX log_events_received, DROP INDEX log_events_severity",
            "CREATE TABLE log_minutes (minute BIGINT NOT NULL PRIMARY KEY, first_id BIGINT NOT NULL) ENGINE=InnoDB",
            "INSERT INTO log_minutes (minute, first_id) SELECT received_at DIV 60000, MIN(id) FROM log_events GROUP BY received_at DIV 60000",
        ],
    ];

    protected override DbConnection CreateConnection() => new MySqlConnection(connectionString);

    protected override string TextCondition => "MATCH (e.message) AGAINST (@text IN BOOLEAN MODE)";

    protected override string TextParameter(string words) =>
        string.Join(' ', Words(words).Select(w => "+\"" + w.Replace("\"", "", StringComparison.Ordinal) + "\""));

    protected override string UpsertGroupSql => """
        INSERT INTO log_groups (fingerprint, title, first_seen, last_seen, total, example)
        VALUES (@fp, @title, @first, @last, @n, @example)
        ON DUPLICATE KEY UPDATE last_seen = GREATEST(last_seen, VALUES(last_seen)), total = total + VALUES(total), title = VALUES(title)
        """;

    protected override string UpsertHourSql => """
        INSERT INTO log_group_hours (fingerprint, hour, host, n) VALUES (@fp, @hour, @host, @n)
        ON DUPLICATE KEY UPDATE n = n + VALUES(n)
        """;

    protected override string UpsertStateSql => "INSERT INTO log_state (k, v) VALUES (@k, @v) ON DUPLICATE KEY UPDATE v = VALUES(v)";

    protected override string UpsertMinuteSql =>
        "INSERT INTO log_minutes (minute, first_id) VALUES (@m, @id) ON DUPLICATE KEY UPDATE first_id = LEAST(first_id, VALUES(first_id))";

    /// <summary>MySQL's <c>/</c> is decimal division; <c>DIV</c> truncates like the minute column's values.</summary>
    protected override string MinuteOf(string milliseconds) => milliseconds + " DIV 60000";

    /// <summary>rsyslog's createDB.sql layout plus the ProcessID and Checksum columns LogAnalyzer reads.</summary>
    private const string CreateSystemEvents = """
        CREATE TABLE IF NOT EXISTS SystemEvents (
          ID int unsigned not null auto_increment primary key, CustomerID bigint, ReceivedAt datetime NULL,
          DeviceReportedTime datetime NULL, Facility smallint NULL, Priority smallint NULL, FromHost varchar(60) NULL,
          Message text, NTSeverity int NULL, Importance int NULL, EventSource varchar(60), EventUser varchar(60) NULL,
          EventCategory int NULL, EventID int NULL, EventBinaryData text NULL, MaxAvailable int NULL, CurrUsage int NULL,
          MinUsage int NULL, MaxUsage int NULL, InfoUnitID int NULL, SysLogTag varchar(60), EventLogType varchar(60),
          GenericFileName VarChar(60), SystemID int NULL,
          ProcessID varchar(60) NOT NULL DEFAULT '', Checksum int(11) UNSIGNED NOT NULL DEFAULT 0)
        """;

    public override async Task<int> MigrateAsync(CancellationToken ct)
    {
        var version = await base.MigrateAsync(ct);
        if (systemEvents)
        {
            _hasProcessId = await PrepareSystemEventsAsync(CreateSystemEvents,
                "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'SystemEvents' AND COLUMN_NAME = 'ProcessID'", ct);
        }

        return version;
    }

    protected override async Task InsertEventsAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<LogEvent> batch, CancellationToken ct)
    {
        // The SystemEvents copy goes on a second connection at the same time: a server runs one statement per connection
        // on one core, so in series the mirror cost a fifth of the intake rate, in parallel next to nothing.
        var mirror = systemEvents ? WriteSystemEventsAsync(batch, ct) : null;
        try
        {
            var firstId = await MaxIdAsync(connection, tx, ct) + 1;
            await InsertOwnAsync(connection, tx, batch, ct);
            await UpsertMinutesAsync(connection, tx, batch, firstId, ct);
        }
        catch
        {
            await AbandonAsync(mirror);
            throw;
        }

        if (mirror is not null)
        {
            await using var written = await mirror;
            // Committed just before the own rows: a failure between the two commits can only repeat this batch in
            // SystemEvents when the spool replays it, never lose or repeat an event in the own tables.
            await written.Transaction.CommitAsync(ct);
        }
    }

    /// <summary>The batch loaded into SystemEvents on its own connection, in a transaction the caller commits.</summary>
    private async Task<OpenWrite> WriteSystemEventsAsync(IReadOnlyList<LogEvent> batch, CancellationToken ct)
    {
        var connection = await OpenAsync(ct);
        try
        {
            var tx = await connection.BeginTransactionAsync(ct);
            var write = new OpenWrite(connection, tx);
            try
            {
                await InsertSystemEventsAsync(connection, tx, batch, ct);
                return write;
            }
            catch
            {
                await write.DisposeAsync();
                throw;
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits for a mirror write the own write failed beside and rolls it back (disposing an open transaction does).</summary>
    private static async Task AbandonAsync(Task<OpenWrite>? mirror)
    {
        if (mirror is null)
        {
            return;
        }

        try
        {
            await (await mirror).DisposeAsync();
        }
        catch (Exception e) when (e is DbException or OperationCanceledException or IOException)
        {
            // the own write's error is the one to report
        }
    }

    private sealed record OpenWrite(DbConnection Connection, DbTransaction Transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }

    /// <summary>
    /// As ommysql's StdDBFmt fills it: times in the server's local zone, Priority = severity, SysLogTag = "prog[pid]:".
    /// A LOAD DATA like the own table's (the double write cost as much as the own rows when it was parameterised INSERTs).
    /// </summary>
    private async Task InsertSystemEventsAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<LogEvent> batch, CancellationToken ct)
    {
        var withPid = _hasProcessId ?? false;
        if (_bulkRefused)
        {
            await InsertSystemEventsByStatementsAsync(connection, tx, batch, withPid, ct);
            return;
        }

        var tsv = new TsvWriter();
        foreach (var e in batch)
        {
            tsv.Text(MySqlDateTime(e.ReceivedAt)).Tab().Text(MySqlDateTime(e.ReportedAt ?? e.ReceivedAt)).Tab()
                .Long(e.Facility).Tab().Long(e.Severity).Tab().Text(Clip(e.Host, 60)).Tab().Text(e.Message).Tab()
                .Long(1).Tab().Text(SysLogTag(e));
            if (withPid)
            {
                tsv.Tab().Text(Clip(e.ProcId, 60));
            }

            tsv.EndRow();
        }

        string[] columns = ["ReceivedAt", "DeviceReportedTime", "Facility", "Priority", "FromHost", "Message", "InfoUnitID", "SysLogTag"];
        if (!await TryLoadAsync((MySqlConnection)connection, "SystemEvents", withPid ? [.. columns, "ProcessID"] : columns, tsv, ct))
        {
            await InsertSystemEventsByStatementsAsync(connection, tx, batch, withPid, ct);
        }
    }

    private static string MySqlDateTime(DateTimeOffset at) =>
        at.ToLocalTime().DateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    private static string SysLogTag(LogEvent e) =>
        Clip(e.ProcId.Length > 0 ? $"{e.Program}[{e.ProcId}]:" : e.Program.Length > 0 ? e.Program + ":" : "", 60);

    private static async Task InsertSystemEventsByStatementsAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<LogEvent> batch, bool withPid, CancellationToken ct)
    {
        for (var start = 0; start < batch.Count; start += RowsPerStatement)
        {
            var count = Math.Min(RowsPerStatement, batch.Count - start);
            var sql = new StringBuilder("INSERT INTO SystemEvents (ReceivedAt, DeviceReportedTime, Facility, Priority, FromHost, Message, InfoUnitID, SysLogTag"
                + (withPid ? ", ProcessID" : "") + ") VALUES ");
            await using var cmd = Command(connection, tx, "");
            for (var i = 0; i < count; i++)
            {
                var e = batch[start + i];
                var n = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                sql.Append(i > 0 ? "," : "").Append($"(@r{n},@d{n},@f{n},@p{n},@h{n},@m{n},1,@t{n}").Append(withPid ? $",@i{n})" : ")");
                Param(cmd, "r" + n, e.ReceivedAt.ToLocalTime().DateTime);
                Param(cmd, "d" + n, (e.ReportedAt ?? e.ReceivedAt).ToLocalTime().DateTime);
                Param(cmd, "f" + n, e.Facility);
                Param(cmd, "p" + n, e.Severity);
                Param(cmd, "h" + n, Clip(e.Host, 60));
                Param(cmd, "m" + n, e.Message);
                Param(cmd, "t" + n, SysLogTag(e));
                if (withPid)
                {
                    Param(cmd, "i" + n, Clip(e.ProcId, 60));
                }
            }

#pragma warning disable CA2100 // built from constants; every value is a parameter
            cmd.CommandText = sql.ToString();
#pragma warning restore CA2100
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// One LOAD DATA LOCAL INFILE from an in-memory tab-separated stream (MySqlConnector sends only its own streams, never a
    /// file a server asks for). False when the server refuses LOCAL INFILE (MySQL 8's default): refused before any row
    /// was read, so the statement did nothing and the caller's transaction goes on with INSERTs, as do later batches.
    /// </summary>
    private async Task<bool> TryLoadAsync(MySqlConnection connection, string table, string[] columns, TsvWriter tsv, CancellationToken ct)
    {
        var loader = new MySqlBulkLoader(connection)
        {
            TableName = table,
            Local = true,
            SourceStream = tsv.ToStream(),
            FieldTerminator = "\t",
            LineTerminator = "\n",
            EscapeCharacter = '\\',
            CharacterSet = "utf8mb4",
        };
        loader.Columns.AddRange(columns);
        try
        {
            await loader.LoadAsync(ct);
            return true;
        }
        catch (MySqlException e) when (e.Number is 1148 or 3948 or 4166) // "command not allowed", "local infile rejected" (MySQL), "capability disabled" (MariaDB)
        {
            _bulkRefused = true;
            return false;
        }
    }

    /// <summary>
    /// The batch as one LOAD DATA LOCAL INFILE: several times the rows per second of parameterised multi-row INSERTs.
    /// Servers that refuse LOCAL INFILE (MySQL 8's default) get the INSERTs instead.
    /// </summary>
    private async Task InsertOwnAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<LogEvent> batch, CancellationToken ct)
    {
        if (_bulkRefused)
        {
            await InsertOwnByStatementsAsync(connection, tx, batch, ct);
            return;
        }

        var tsv = new TsvWriter();
        foreach (var e in batch)
        {
            tsv.Long(e.ReceivedAt.ToUnixTimeMilliseconds()).Tab();
            if (e.ReportedAt is { } r)
            {
                tsv.Long(r.ToUnixTimeMilliseconds());
            }
            else
            {
                tsv.Null();
            }

            tsv.Tab().Long(e.Facility).Tab().Long(e.Severity).Tab()
                .Text(Clip(e.Host, 255)).Tab().Text(Clip(e.Program, 128)).Tab().Text(Clip(e.ProcId, 128)).Tab().Text(Clip(e.MsgId, 64)).Tab()
                .Text(e.StructuredData).Tab().Text(e.Message).Tab().Long((int)e.Flags).Tab();
            if (e.Fingerprint is { } fp)
            {
                tsv.Text(fp);
            }
            else
            {
                tsv.Null();
            }

            tsv.EndRow();
        }

        string[] columns = ["received_at", "reported_at", "facility", "severity", "host", "program", "procid", "msgid", "sd", "message", "flags", "fingerprint"];
        if (!await TryLoadAsync((MySqlConnection)connection, "log_events", columns, tsv, ct))
        {
            await InsertOwnByStatementsAsync(connection, tx, batch, ct);
        }
    }

    private static async Task InsertOwnByStatementsAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<LogEvent> batch, CancellationToken ct)
    {
        for (var start = 0; start < batch.Count; start += RowsPerStatement)
        {
            var count = Math.Min(RowsPerStatement, batch.Count - start);
            var sql = new StringBuilder(
                "INSERT INTO log_events (received_at, reported_at, facility, severity, host, program, procid, msgid, sd, message, flags, fingerprint) VALUES ");
            await using var cmd = Command(connection, tx, "");
            for (var i = 0; i < count; i++)
            {
                var e = batch[start + i];
                if (i > 0)
                {
                    sql.Append(',');
                }

                sql.Append("(@a").Append(i).Append(",@b").Append(i).Append(",@c").Append(i).Append(",@d").Append(i)
                    .Append(",@e").Append(i).Append(",@f").Append(i).Append(",@g").Append(i).Append(",@h").Append(i)
                    .Append(",@i").Append(i).Append(",@j").Append(i).Append(",@k").Append(i).Append(",@l").Append(i).Append(')');
                var n = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                Param(cmd, "a" + n, e.ReceivedAt.ToUnixTimeMilliseconds());
                Param(cmd, "b" + n, e.ReportedAt?.ToUnixTimeMilliseconds());
                Param(cmd, "c" + n, e.Facility);
                Param(cmd, "d" + n, e.Severity);
                Param(cmd, "e" + n, Clip(e.Host, 255));
                Param(cmd, "f" + n, Clip(e.Program, 128));
                Param(cmd, "g" + n, Clip(e.ProcId, 128));
                Param(cmd, "h" + n, Clip(e.MsgId, 64));
                Param(cmd, "i" + n, e.StructuredData);
                Param(cmd, "j" + n, e.Message);
                Param(cmd, "k" + n, (int)e.Flags);
                Param(cmd, "l" + n, e.Fingerprint);
            }

#pragma warning disable CA2100 // built from constants; every value is a parameter
            cmd.CommandText = sql.ToString();
#pragma warning restore CA2100
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }
}
