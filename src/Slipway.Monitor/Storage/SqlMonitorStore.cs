using System.Data.Common;
using Slipway.Monitor.Plugins;
using Slipway.Monitor.Scheduling;

namespace Slipway.Monitor.Storage;

/// <summary>
/// The history on any of the three databases (<see cref="SqlDialect"/>): one transaction per batch of runs; raw results
/// keyed by check and time; perfdata rolled up into one blob per series and day (<see cref="DaySlots"/>). Writes go
/// one at a time through this instance (the scheduler has one writer).
/// </summary>
public abstract class SqlMonitorStore(SqlDialect dialect) : IMonitorStore
{
    private static readonly string[] ResultColumns = ["check_id", "at", "state", "hard", "attempt", "duration_ms", "output", "perfdata"];
    private static readonly string[] EventColumns = ["check_id", "at", "kind", "from_state", "to_state", "output", "suppressed"];
    private static readonly string[] PerfColumns = ["series_id", "day", "data"];
    private static readonly string[] MetaColumns = ["k", "v"];

    private readonly Dictionary<string, long> _checkIds = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    public string Kind => dialect.Kind;

    /// <summary>Opens a connection to the store's database.</summary>
    protected abstract Task<DbConnection> OpenAsync(CancellationToken ct);

    public virtual async Task MigrateAsync(CancellationToken ct)
    {
        await using var db = await OpenAsync(ct);
        foreach (var sql in dialect.Schema)
        {
            await using var command = Command(db, null, sql);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    public async Task WriteAsync(IReadOnlyList<CheckRun> runs, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(runs);
        await _writeGate.WaitAsync(ct);
        try
        {
            await using var db = await OpenAsync(ct);
            await using var tx = await db.BeginTransactionAsync(ct);
            var result = dialect.Upsert("monitor_results", ResultColumns, ["check_id", "at"]);
            var ev = $"INSERT INTO monitor_events ({string.Join(", ", EventColumns)}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6)";
            foreach (var run in runs)
            {
                var id = await CheckIdAsync(db, tx, run.Check, ct);
                var r = run.Result;
                await ExecAsync(db, tx, result, ct, id, Ms(run.Started + r.Duration), (int)r.State, run.Status.Type == StateType.Hard ? 1 : 0,
                    run.Status.Attempt, (long)r.Duration.TotalMilliseconds, Text(r.Output), Text(PerfDataFormatter.Format(r.PerfData)));
                foreach (var e in run.Events)
                {
                    await ExecAsync(db, tx, ev, ct, id, Ms(e.At), e.Kind.ToString(), (int)e.From, (int)e.To, Text(e.Result.Output),
                        e.SuppressedBecause is { } why ? Text(why) : null);
                }
            }

            await tx.CommitAsync(ct);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task<IReadOnlyList<StoredResult>> ResultsAsync(string check, int limit, CancellationToken ct)
    {
        await using var db = await OpenAsync(ct);
        await using var q = Command(db, null,
            """
            SELECT at, state, hard, attempt, duration_ms, output, perfdata FROM monitor_results
            WHERE check_id = (SELECT id FROM monitor_checks WHERE name = @p0) ORDER BY at DESC LIMIT @p1
            """, check, limit);
        var list = new List<StoredResult>();
        await using var reader = await q.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new StoredResult(check, At(reader.GetInt64(0)), (ServiceState)reader.GetInt32(1), reader.GetInt32(2) == 1, reader.GetInt32(3),
                TimeSpan.FromMilliseconds(reader.GetInt64(4)), reader.GetString(5), reader.GetString(6)));
        }

        return list;
    }

    public async Task<IReadOnlyList<StoredEvent>> EventsAsync(DateTimeOffset since, CancellationToken ct)
    {
        await using var db = await OpenAsync(ct);
        await using var q = Command(db, null,
            """
            SELECT c.name, e.at, e.kind, e.from_state, e.to_state, e.output, e.suppressed FROM monitor_events e
            JOIN monitor_checks c ON c.id = e.check_id WHERE e.at >= @p0 ORDER BY e.at, e.id
            """, Ms(since));
        var list = new List<StoredEvent>();
        await using var reader = await q.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new StoredEvent(reader.GetString(0), At(reader.GetInt64(1)), reader.GetString(2), (ServiceState)reader.GetInt32(3),
                (ServiceState)reader.GetInt32(4), reader.GetString(5), await reader.IsDBNullAsync(6, ct) ? null : reader.GetString(6)));
        }

        return list;
    }

    public async Task<IReadOnlyList<PerfPoint>> SeriesAsync(string check, string label, Resolution resolution, DateTimeOffset since,
        DateTimeOffset until, CancellationToken ct)
    {
        await using var db = await OpenAsync(ct);
        await using var q = Command(db, null,
            $"""
            SELECT p.day, p.data FROM {Table(resolution)} p JOIN monitor_series s ON s.id = p.series_id JOIN monitor_checks c ON c.id = s.check_id
            WHERE c.name = @p0 AND s.label = @p1 AND p.day BETWEEN @p2 AND @p3 ORDER BY p.day
            """, check, label, DaySlots.Day(since), DaySlots.Day(until));
        var list = new List<PerfPoint>();
        await using var reader = await q.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.AddRange(DaySlots.Points((byte[])reader.GetValue(1), reader.GetInt64(0), resolution).Where(p => p.At >= since && p.At < until));
        }

        return list;
    }

    public async Task<RollupOutcome> RollupAsync(DateTimeOffset now, RetentionPolicy policy, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(policy);
        await _writeGate.WaitAsync(ct);
        try
        {
            await using var db = await OpenAsync(ct);
            await using var tx = await db.BeginTransactionAsync(ct);
            var fives = await RollupAsync(db, tx, Resolution.FiveMinutes, now, policy, ct);
            var hours = await RollupAsync(db, tx, Resolution.Hour, now, policy, ct);
            var deleted = await ExecAsync(db, tx, "DELETE FROM monitor_results WHERE at < @p0", ct, Ms(now - policy.Raw));
            await ExecAsync(db, tx, "DELETE FROM monitor_perf_5m WHERE day < @p0", ct, DaySlots.Day(now - policy.FiveMinutes));
            await ExecAsync(db, tx, "DELETE FROM monitor_perf_1h WHERE day < @p0", ct, DaySlots.Day(now - policy.Hours));
            await ExecAsync(db, tx, "DELETE FROM monitor_events WHERE at < @p0", ct, Ms(now - policy.Events));
            await tx.CommitAsync(ct);
            return new RollupOutcome(fives, hours, deleted);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// Every complete bucket after the last one rolled (at most the raw retention back), from the raw results'
    /// perfdata: per series and bucket the min, mean and max of the values (U values are skipped).
    /// </summary>
    private async Task<int> RollupAsync(DbConnection db, DbTransaction tx, Resolution r, DateTimeOffset now, RetentionPolicy policy,
        CancellationToken ct)
    {
        var length = DaySlots.SlotLength(r);
        var end = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % length.Ticks), TimeSpan.Zero);
        var key = "rolled_" + Table(r);
        var floor = Ms(now - policy.Raw);
        long start;
        await using (var get = Command(db, tx, "SELECT v FROM monitor_meta WHERE k = @p0", key))
        {
            start = await get.ExecuteScalarAsync(ct) is { } v and not DBNull ? Math.Max(Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture), floor) : floor;
        }

        if (start >= Ms(end))
        {
            return 0;
        }

        var rows = new List<(long Check, long At, string Perf)>();
        await using (var q = Command(db, tx, "SELECT check_id, at, perfdata FROM monitor_results WHERE at >= @p0 AND at < @p1 AND perfdata <> ''", start, Ms(end)))
        await using (var reader = await q.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2)));
            }
        }

        var buckets = new Dictionary<(long Series, long Bucket), (double Min, double Sum, double Max, int N)>();
        // A series id is looked up once per rollup, not once per result: a 5-minute rollup of 1,000 checks a minute
        // reads thousands of rows but names only as many series as there are perfdata labels.
        var seriesIds = new Dictionary<(long Check, string Label), long>();
        foreach (var (check, at, perf) in rows)
        {
            foreach (var datum in PerfDataParser.Parse(perf).Data)
            {
                if (datum.Value is not { } value)
                {
                    continue;
                }

                if (!seriesIds.TryGetValue((check, datum.Label), out var series))
                {
                    series = seriesIds[(check, datum.Label)] = await SeriesIdAsync(db, tx, check, datum.Label, ct);
                }

                var bucket = at / (long)length.TotalMilliseconds;
                buckets[(series, bucket)] = buckets.TryGetValue((series, bucket), out var b)
                    ? (Math.Min(b.Min, value), b.Sum + value, Math.Max(b.Max, value), b.N + 1)
                    : (value, value, value, 1);
            }
        }

        var put = dialect.Upsert(Table(r), PerfColumns, ["series_id", "day"]);
        foreach (var day in buckets.GroupBy(b => (b.Key.Series, Day: DaySlots.Day(At(b.Key.Bucket * (long)length.TotalMilliseconds)))))
        {
            byte[] blob;
            await using (var get = Command(db, tx, $"SELECT data FROM {Table(r)} WHERE series_id = @p0 AND day = @p1", day.Key.Series, day.Key.Day))
            {
                blob = await get.ExecuteScalarAsync(ct) as byte[] ?? DaySlots.Empty(r);
            }

            foreach (var ((_, bucket), v) in day)
            {
                DaySlots.Set(blob, DaySlots.Slot(At(bucket * (long)length.TotalMilliseconds), r), v.Min, v.Sum / v.N, v.Max);
            }

            await ExecAsync(db, tx, put, ct, day.Key.Series, day.Key.Day, blob);
        }

        await ExecAsync(db, tx, dialect.Upsert("monitor_meta", MetaColumns, ["k"]), ct, key, Ms(end));
        return buckets.Keys.Select(k => k.Bucket).Distinct().Count();
    }

    private async Task<long> CheckIdAsync(DbConnection db, DbTransaction tx, string name, CancellationToken ct)
    {
        if (!_checkIds.TryGetValue(name, out var id))
        {
            id = await IdAsync(db, tx, "monitor_checks", ["name"], "SELECT id FROM monitor_checks WHERE name = @p0", ct, Text(name));
            _checkIds[name] = id;
        }

        return id;
    }

    private Task<long> SeriesIdAsync(DbConnection db, DbTransaction tx, long check, string label, CancellationToken ct) =>
        IdAsync(db, tx, "monitor_series", ["check_id", "label"], "SELECT id FROM monitor_series WHERE check_id = @p0 AND label = @p1", ct, check, Text(label));

    /// <summary>The id of the row with these values, inserted first when missing (the same statements on every database).</summary>
    private async Task<long> IdAsync(DbConnection db, DbTransaction tx, string table, string[] columns, string select, CancellationToken ct,
        params object[] values)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using (var q = Command(db, tx, select, values))
            {
                if (await q.ExecuteScalarAsync(ct) is { } found and not DBNull)
                {
                    return Convert.ToInt64(found, System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            if (attempt > 0)
            {
                throw new InvalidOperationException($"{table}: the row for {string.Join(", ", values)} was neither found nor inserted");
            }

            await ExecAsync(db, tx, dialect.InsertIgnore(table, columns), ct, values);
        }
    }

    private static string Table(Resolution r) => r == Resolution.FiveMinutes ? "monitor_perf_5m" : "monitor_perf_1h";

    /// <summary>PostgreSQL refuses NUL in text, and a plugin's garbage output may hold one: stored as U+FFFD on every database.</summary>
    private static string Text(string value) => value.Contains('\0', StringComparison.Ordinal) ? value.Replace('\0', '\uFFFD') : value;

    private static DbCommand Command(DbConnection db, DbTransaction? tx, string sql, params object?[] values)
    {
        var command = db.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        for (var i = 0; i < values.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            parameter.Value = values[i] ?? DBNull.Value;
            if (values[i] is null)
            {
                parameter.DbType = System.Data.DbType.String;
            }

            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static async Task<int> ExecAsync(DbConnection db, DbTransaction tx, string sql, CancellationToken ct, params object?[] values)
    {
        await using var command = Command(db, tx, sql, values);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public virtual ValueTask DisposeAsync()
    {
        _writeGate.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
