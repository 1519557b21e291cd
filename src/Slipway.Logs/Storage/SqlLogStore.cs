using System.Data.Common;
using System.Globalization;
using Slipway.Logs.Model;

namespace Slipway.Logs.Storage;

/// <summary>
/// What the three databases share: the schema (log_events, log_groups, log_group_hours, log_state, slipway_log_schema),
/// versioned migrations, queries with keyset paging, traceback-group counters. Subclasses supply the connection, the
/// DDL, the bulk insert and the full-text condition of their database.
/// </summary>
public abstract class SqlLogStore : ILogStore
{
    public abstract string Kind { get; }

    /// <summary>Schema versions in order; entry i brings the schema from version i to i+1.</summary>
    protected abstract IReadOnlyList<IReadOnlyList<string>> Migrations { get; }

    protected abstract DbConnection CreateConnection();

    /// <summary>Inserts the events (inside <paramref name="tx"/>), including their full-text index entries.</summary>
    protected abstract Task InsertEventsAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<LogEvent> batch, CancellationToken ct);

    /// <summary>FROM clause of an event query, "log_events e" plus what the full-text search needs.</summary>
    protected virtual string EventsFrom(bool withText) => "log_events e";

    /// <summary>The SQL condition for "all these words", reading parameter @text.</summary>
    protected abstract string TextCondition { get; }

    /// <summary>The value bound to @text for <paramref name="words"/>.</summary>
    protected abstract string TextParameter(string words);

    protected abstract string UpsertGroupSql { get; }

    protected abstract string UpsertHourSql { get; }

    protected abstract string UpsertStateSql { get; }

    /// <summary>
    /// The condition for "received at or after @since" (an event query reads <c>e.</c>); <paramref name="withText"/> when the
    /// query also searches text. SQLite turns it into an id range, which its indexes and the FTS index can seek on.
    /// </summary>
    protected virtual string SinceCondition(bool withText) =>
        IdColumn(withText) + " >= (SELECT COALESCE(MIN(first_id), 9223372036854775807) FROM log_minutes WHERE minute >= "
        + MinuteOf("@since") + ") AND e.received_at >= @since";

    /// <summary>
    /// The minute (Unix ms / 60,000, an integer division) of a millisecond expression. No index on received_at: a row of
    /// <c>log_minutes</c> per minute holds the smallest id received in it, which bounds every time condition's id range.
    /// </summary>
    protected virtual string MinuteOf(string milliseconds) => milliseconds + " / 60000";

    /// <summary>Upsert of (@m minute, @id an id no greater than any of its events' ids), keeping the least id.</summary>
    protected abstract string UpsertMinuteSql { get; }

    /// <summary>FROM clause of the digest's error counts per host and program.</summary>
    protected virtual string ErrorCountsFrom => "log_events e";

    /// <summary>"column = @parameter" of an event query; <paramref name="withText"/> when it also searches text.</summary>
    protected virtual string EqualsCondition(string column, string parameter, bool withText) => $"e.{column} = @{parameter}";

    /// <summary>The id column keyset paging and ordering use (SQLite: the FTS index's rowid when searching text).</summary>
    protected virtual string IdColumn(bool withText) => "e.id";

    /// <summary>The largest id of up to @n events received before @cutoff, oldest first.</summary>
    /// <remarks>Events below the first id of the cutoff's minute were all received before it: the scan stops there.</remarks>
    protected virtual string DeleteBoundSql => $"""
        SELECT MAX(id) FROM (SELECT id FROM log_events
          WHERE received_at < @cutoff
            AND id < (SELECT COALESCE(MIN(first_id), 9223372036854775807) FROM log_minutes WHERE minute >= {MinuteOf("@cutoff")})
          ORDER BY id LIMIT @n) t
        """;

    /// <summary>Run before deleting old events (SQLite removes them from its external-content FTS index).</summary>
    protected virtual string? BeforeDeleteSql => null;

    /// <summary>Statements run on every new connection (pragmas, session settings).</summary>
    protected virtual string? ConnectionSetupSql => null;

    protected async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = CreateConnection();
        try
        {
            await connection.OpenAsync(ct);
            if (ConnectionSetupSql is { } setup)
            {
                await using var cmd = Command(connection, null, setup);
                await cmd.ExecuteNonQueryAsync(ct);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task CheckSchemaAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct); // a server that cannot be reached fails here, as a DbException
        int? version;
        try
        {
            await using var read = Command(connection, null, "SELECT MAX(version) FROM slipway_log_schema");
            var value = await read.ExecuteScalarAsync(ct);
            version = value is null or DBNull ? null : Convert.ToInt32(value, CultureInfo.InvariantCulture);
        }
        catch (DbException)
        {
            version = null; // no such table
        }

        if (version is null)
        {
            throw new LogStoreException(
                $"the {Kind} database has no Slipway log schema (no slipway_log_schema table); only 'slipway logs serve' creates it. Check --db or logs.db.");
        }

        if (version != Migrations.Count)
        {
            throw new LogStoreException(version > Migrations.Count
                ? $"the {Kind} database has log schema version {version}, newer than this Slipway knows ({Migrations.Count}). Upgrade Slipway."
                : $"the {Kind} database has log schema version {version}, older than this Slipway's ({Migrations.Count}); run 'slipway logs serve' once to upgrade it.");
        }
    }

    public virtual async Task<int> MigrateAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using (var create = Command(connection, null, "CREATE TABLE IF NOT EXISTS slipway_log_schema (version INT NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        var version = 0;
        await using (var read = Command(connection, null, "SELECT MAX(version) FROM slipway_log_schema"))
        {
            var value = await read.ExecuteScalarAsync(ct);
            if (value is not null and not DBNull)
            {
                version = Convert.ToInt32(value, CultureInfo.InvariantCulture);
            }
        }

        if (version > Migrations.Count)
        {
            throw new LogStoreException(
                $"The {Kind} database has log schema version {version}, newer than this Slipway knows ({Migrations.Count}). Upgrade Slipway.");
        }

        for (var v = version; v < Migrations.Count; v++)
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            foreach (var sql in Migrations[v])
            {
                await using var cmd = Command(connection, tx, sql);
                await cmd.ExecuteNonQueryAsync(ct);
            }

            await using (var mark = Command(connection, tx, "INSERT INTO slipway_log_schema (version) VALUES (@v)"))
            {
                Param(mark, "v", v + 1);
                await mark.ExecuteNonQueryAsync(ct);
            }

            await tx.CommitAsync(ct);
        }

        return Migrations.Count;
    }

    /// <summary>
    /// Creates rsyslog's SystemEvents table when missing and says whether it has LogAnalyzer's ProcessID column (a table
    /// rsyslog created has none; it is written only when there).
    /// </summary>
    protected async Task<bool> PrepareSystemEventsAsync(string createSql, string processIdProbeSql, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using (var create = Command(connection, null, createSql))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        await using var probe = Command(connection, null, processIdProbeSql);
        return Convert.ToInt64(await probe.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    public async Task WriteAsync(IReadOnlyList<LogEvent> batch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await InsertEventsAsync(connection, tx, batch, ct);
        await UpdateGroupsAsync(connection, tx, batch, ct);
        await tx.CommitAsync(ct);
        AfterWrite();
    }

    /// <summary>
    /// Upserts the first id of each minute the batch's events were received in (usually one row per batch), given an id
    /// no greater than the batch's first: event i gets at least <paramref name="firstId"/> + i, since ids only grow.
    /// </summary>
    protected async Task UpsertMinutesAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<LogEvent> batch, long firstId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var minutes = new SortedDictionary<long, long>(); // sorted: concurrent writers lock the rows in one order
        for (var i = 0; i < batch.Count; i++)
        {
            minutes.TryAdd(batch[i].ReceivedAt.ToUnixTimeMilliseconds() / 60_000, firstId + i);
        }

        await using var upsert = Command(connection, tx, UpsertMinuteSql);
        var m = Param(upsert, "m", 0L);
        var id = Param(upsert, "id", 0L);
        foreach (var (minute, first) in minutes)
        {
            m.Value = minute;
            id.Value = first;
            await upsert.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>The largest id written so far (0 for none): one more is a lower bound of the next insert's ids.</summary>
    protected static async Task<long> MaxIdAsync(DbConnection connection, DbTransaction tx, CancellationToken ct)
    {
        await using var max = Command(connection, tx, "SELECT COALESCE(MAX(id), 0) FROM log_events");
        return Convert.ToInt64(await max.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    /// <summary>Called after each committed <see cref="WriteAsync"/> (SQLite starts a checkpoint on another thread).</summary>
    protected virtual void AfterWrite()
    {
    }

    private async Task UpdateGroupsAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<LogEvent> batch, CancellationToken ct)
    {
        Dictionary<string, (string Title, long First, long Last, long Count, string Example)>? groups = null;
        Dictionary<(string Fp, long Hour, string Host), long>? hours = null;
        foreach (var e in batch)
        {
            if (e.Fingerprint is not { } fp)
            {
                continue;
            }

            groups ??= [];
            hours ??= [];
            var at = e.ReceivedAt.ToUnixTimeMilliseconds();
            groups[fp] = groups.TryGetValue(fp, out var g)
                ? (e.Title ?? g.Title, Math.Min(g.First, at), Math.Max(g.Last, at), g.Count + 1, g.Example)
                : (e.Title ?? "", at, at, 1, e.Message);
            var hourKey = (fp, at / 3_600_000 * 3_600_000, Clip(e.Host, 255));
            hours[hourKey] = hours.GetValueOrDefault(hourKey) + 1;
        }

        if (groups is null || hours is null)
        {
            return;
        }

        await using (var cmd = Command(connection, tx, UpsertGroupSql))
        {
            foreach (var (fp, g) in groups)
            {
                cmd.Parameters.Clear();
                Param(cmd, "fp", fp);
                Param(cmd, "title", Clip(g.Title, 1000));
                Param(cmd, "first", g.First);
                Param(cmd, "last", g.Last);
                Param(cmd, "n", g.Count);
                Param(cmd, "example", g.Example);
                await cmd.ExecuteNonQueryAsync(ct);
            }
        }

        await using (var cmd = Command(connection, tx, UpsertHourSql))
        {
            foreach (var ((fp, hour, host), n) in hours)
            {
                cmd.Parameters.Clear();
                Param(cmd, "fp", fp);
                Param(cmd, "hour", hour);
                Param(cmd, "host", host);
                Param(cmd, "n", n);
                await cmd.ExecuteNonQueryAsync(ct);
            }
        }
    }

    /// <summary>The SELECT behind <see cref="QueryAsync"/>, with its parameters, into <paramref name="cmd"/>.</summary>
    protected void BuildQuery(DbCommand cmd, LogQuery query)
    {
        ArgumentNullException.ThrowIfNull(cmd);
        ArgumentNullException.ThrowIfNull(query);
        var where = new List<string>();
        if (query.Since is { } since)
        {
            where.Add(SinceCondition(!string.IsNullOrWhiteSpace(query.Text)));
            Param(cmd, "since", since.ToUnixTimeMilliseconds());
        }

        if (query.Until is { } until)
        {
            where.Add("e.received_at < @until");
            Param(cmd, "until", until.ToUnixTimeMilliseconds());
        }

        var searching = !string.IsNullOrWhiteSpace(query.Text);
        AddEquals(cmd, where, EqualsCondition("host", "host", searching), "host", query.Host);
        AddEquals(cmd, where, EqualsCondition("program", "program", searching), "program", query.Program);
        AddEquals(cmd, where, EqualsCondition("fingerprint", "fp", searching), "fp", query.Fingerprint);
        if (query.MaxSeverity is { } severity)
        {
            where.Add("e.severity <= @severity");
            Param(cmd, "severity", severity);
        }

        if (query.Facility is { } facility)
        {
            where.Add("e.facility = @facility");
            Param(cmd, "facility", facility);
        }

        var withText = !string.IsNullOrWhiteSpace(query.Text);
        if (withText)
        {
            where.Add(TextCondition);
            Param(cmd, "text", TextParameter(query.Text!));
        }

        var idColumn = IdColumn(withText);
        if (query.BeforeId is { } before)
        {
            where.Add(idColumn + " < @before");
            Param(cmd, "before", before);
        }

        Param(cmd, "limit", Math.Clamp(query.Limit, 1, 10_000));
        cmd.CommandText =
            "SELECT e.id, e.received_at, e.reported_at, e.facility, e.severity, e.host, e.program, e.procid, e.msgid, e.sd, "
            + "e.message, e.flags, e.fingerprint FROM " + EventsFrom(withText)
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
            + " ORDER BY " + idColumn + " DESC LIMIT @limit";
    }

    public async Task<IReadOnlyList<StoredEvent>> QueryAsync(LogQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await OpenAsync(ct);
        await using var cmd = connection.CreateCommand();
        BuildQuery(cmd, query);
        var result = new List<StoredEvent>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new StoredEvent(reader.GetInt64(0), new LogEvent
            {
                ReceivedAt = FromMs(reader.GetInt64(1)),
                ReportedAt = reader.GetValue(2) is DBNull ? null : FromMs(reader.GetInt64(2)),
                Facility = Convert.ToInt32(reader.GetValue(3), CultureInfo.InvariantCulture),
                Severity = Convert.ToInt32(reader.GetValue(4), CultureInfo.InvariantCulture),
                Host = reader.GetString(5),
                Program = reader.GetString(6),
                ProcId = reader.GetString(7),
                MsgId = reader.GetString(8),
                StructuredData = reader.GetString(9),
                Message = reader.GetString(10),
                Flags = (EventMarks)Convert.ToInt32(reader.GetValue(11), CultureInfo.InvariantCulture),
                Fingerprint = reader.GetValue(12) as string,
            }));
        }

        return result;
    }

    public async Task<IReadOnlyList<GroupSummary>> TopGroupsAsync(DateTimeOffset since, DateTimeOffset until, int top, CancellationToken ct)
    {
        var sinceHour = since.ToUnixTimeMilliseconds() / 3_600_000 * 3_600_000;
        var untilMs = until.ToUnixTimeMilliseconds();
        var previousHour = sinceHour - (untilMs - sinceHour);
        await using var connection = await OpenAsync(ct);
        await using var cmd = Command(connection, null, """
            SELECT g.fingerprint, g.title, g.total, g.first_seen, g.last_seen,
                   SUM(CASE WHEN h.hour >= @since THEN h.n ELSE 0 END) AS cur,
                   SUM(CASE WHEN h.hour < @since THEN h.n ELSE 0 END) AS prev,
                   COUNT(DISTINCT CASE WHEN h.hour >= @since THEN h.host END) AS hosts
            FROM log_groups g JOIN log_group_hours h ON h.fingerprint = g.fingerprint
            WHERE h.hour >= @prev AND h.hour < @until
            GROUP BY g.fingerprint, g.title, g.total, g.first_seen, g.last_seen
            HAVING SUM(CASE WHEN h.hour >= @since THEN h.n ELSE 0 END) > 0
            ORDER BY cur DESC, g.last_seen DESC
            LIMIT @top
            """);
        Param(cmd, "since", sinceHour);
        Param(cmd, "prev", previousHour);
        Param(cmd, "until", untilMs);
        Param(cmd, "top", Math.Clamp(top, 1, 1000));
        var result = new List<GroupSummary>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new GroupSummary(
                reader.GetString(0), reader.GetString(1), Long(reader, 5), Long(reader, 6), Long(reader, 2),
                FromMs(Long(reader, 3)), FromMs(Long(reader, 4)), (int)Long(reader, 7)));
        }

        return result;
    }

    public async Task<GroupDetail?> GetGroupAsync(string fingerprint, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        string title, example;
        long total, first, last;
        await using (var cmd = Command(connection, null,
                         "SELECT title, total, first_seen, last_seen, example FROM log_groups WHERE fingerprint = @fp"))
        {
            Param(cmd, "fp", fingerprint);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }

            (title, total, first, last, example) = (reader.GetString(0), Long(reader, 1), Long(reader, 2), Long(reader, 3), reader.GetString(4));
        }

        var hours = new List<HourCount>();
        await using (var cmd = Command(connection, null,
                         "SELECT hour, SUM(n) FROM log_group_hours WHERE fingerprint = @fp GROUP BY hour ORDER BY hour"))
        {
            Param(cmd, "fp", fingerprint);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                hours.Add(new HourCount(FromMs(Long(reader, 0)), Long(reader, 1)));
            }
        }

        var hosts = new List<HostCount>();
        await using (var cmd = Command(connection, null,
                         "SELECT host, SUM(n) FROM log_group_hours WHERE fingerprint = @fp GROUP BY host ORDER BY SUM(n) DESC, host"))
        {
            Param(cmd, "fp", fingerprint);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                hosts.Add(new HostCount(reader.GetString(0), Long(reader, 1)));
            }
        }

        return new GroupDetail(fingerprint, title, total, FromMs(first), FromMs(last), example, hours, hosts);
    }

    public async Task<IReadOnlyList<GroupHostHour>> GroupHostHoursAsync(string fingerprint, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var cmd = Command(connection, null,
            "SELECT hour, host, n FROM log_group_hours WHERE fingerprint = @fp ORDER BY hour, n DESC, host");
        Param(cmd, "fp", fingerprint);
        var result = new List<GroupHostHour>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new GroupHostHour(FromMs(Long(reader, 0)), reader.GetString(1), Long(reader, 2)));
        }

        return result;
    }

    public async Task<Occurrence?> FirstOccurrenceAsync(string fingerprint, DateTimeOffset since, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        // (fingerprint, id) is indexed on every database: the first id at or after the since-bound is one seek.
        await using var cmd = Command(connection, null,
            "SELECT e.received_at, e.host FROM log_events e WHERE e.fingerprint = @fp AND " + SinceCondition(false) + " ORDER BY e.id LIMIT 1");
        Param(cmd, "fp", fingerprint);
        Param(cmd, "since", since.ToUnixTimeMilliseconds());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new Occurrence(FromMs(Long(reader, 0)), reader.GetString(1)) : null;
    }

    public async Task<IReadOnlyList<ErrorCount>> ErrorCountsAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var cmd = Command(connection, null,
            "SELECT e.host, e.program, COUNT(*) FROM " + ErrorCountsFrom + " WHERE " + SinceCondition(false)
            + " AND e.received_at < @until AND e.severity <= 3 GROUP BY e.host, e.program ORDER BY COUNT(*) DESC, e.host, e.program");
        Param(cmd, "since", since.ToUnixTimeMilliseconds());
        Param(cmd, "until", until.ToUnixTimeMilliseconds());
        var result = new List<ErrorCount>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new ErrorCount(reader.GetString(0), reader.GetString(1), Long(reader, 2)));
        }

        return result;
    }

    public async Task<string?> GetStateAsync(string key, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var cmd = Command(connection, null, "SELECT v FROM log_state WHERE k = @k");
        Param(cmd, "k", key);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    public async Task SetStateAsync(string key, string value, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var cmd = Command(connection, null, UpsertStateSql);
        Param(cmd, "k", key);
        Param(cmd, "v", value);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int batchSize, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        long maxId;
        await using (var find = Command(connection, null, DeleteBoundSql))
        {
            Param(find, "cutoff", cutoff.ToUnixTimeMilliseconds());
            Param(find, "n", batchSize);
            var value = await find.ExecuteScalarAsync(ct);
            if (value is null or DBNull)
            {
                return 0;
            }

            maxId = Convert.ToInt64(value, CultureInfo.InvariantCulture);
        }

        await using var tx = await connection.BeginTransactionAsync(ct);
        if (BeforeDeleteSql is { } before)
        {
            await using var pre = Command(connection, tx, before);
            Param(pre, "max", maxId);
            Param(pre, "cutoff", cutoff.ToUnixTimeMilliseconds());
            await pre.ExecuteNonQueryAsync(ct);
        }

        int deleted;
        await using (var delete = Command(connection, tx, "DELETE FROM log_events WHERE id <= @max AND received_at < @cutoff"))
        {
            Param(delete, "max", maxId);
            Param(delete, "cutoff", cutoff.ToUnixTimeMilliseconds());
            deleted = await delete.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return deleted;
    }

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    protected static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var cmd = connection.CreateCommand();
#pragma warning disable CA2100 // SQL text is built from constants; every value is a parameter
        cmd.CommandText = sql;
#pragma warning restore CA2100
        cmd.Transaction = tx;
        return cmd;
    }

    protected static DbParameter Param(DbCommand cmd, string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(cmd);
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        cmd.Parameters.Add(p);
        return p;
    }

    protected static string Clip(string value, int max) => value.Length <= max ? value : value[..max];

    protected static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static long Long(DbDataReader reader, int i) =>
        reader.GetValue(i) is var v && v is DBNull ? 0 : Convert.ToInt64(v, CultureInfo.InvariantCulture);

    private static void AddEquals(DbCommand cmd, List<string> where, string condition, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            where.Add(condition);
            Param(cmd, name, value);
        }
    }

    /// <summary>Splits free text into words for a full-text engine: letters, digits and _ . - / kept, the rest separates.</summary>
    protected static IReadOnlyList<string> Words(string text) =>
        text.Split((char[])[' ', '\t', '"', '\'', '(', ')', '+', '*', '<', '>', '~', '@', ':', ',', ';', '!', '?', '[', ']', '{', '}', '^', '|', '&', '='],
            StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>A database problem the user must fix (bad connection string, newer schema…).</summary>
public sealed class LogStoreException(string message, Exception? inner = null) : Exception(message, inner);
