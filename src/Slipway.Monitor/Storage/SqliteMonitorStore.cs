using Microsoft.Data.Sqlite;
using Slipway.Monitor.Plugins;
using Slipway.Monitor.Scheduling;

namespace Slipway.Monitor.Storage;

/// <summary>
/// SQLite (the default, <c>.slipway/monitor.db</c>): WAL, one transaction per batch. Raw results are keyed by check and
/// time without a rowid (no second index); perfdata history is a blob per series and day (<see cref="DaySlots"/>).
/// </summary>
public sealed class SqliteMonitorStore(string path) : IMonitorStore
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    private readonly Dictionary<string, long> _checkIds = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    public string Kind => "sqlite";

    public string Path { get; } = path;

    public async Task MigrateAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        await using var db = await OpenAsync(ct);
        await ExecAsync(db, ct, "PRAGMA journal_mode=WAL",
            "CREATE TABLE IF NOT EXISTS monitor_checks (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
            """
            CREATE TABLE IF NOT EXISTS monitor_results (check_id INTEGER NOT NULL, at INTEGER NOT NULL, state INTEGER NOT NULL,
              hard INTEGER NOT NULL, attempt INTEGER NOT NULL, duration_ms INTEGER NOT NULL, output TEXT NOT NULL, perfdata TEXT NOT NULL,
              PRIMARY KEY (check_id, at)) WITHOUT ROWID
            """,
            """
            CREATE TABLE IF NOT EXISTS monitor_events (id INTEGER PRIMARY KEY, check_id INTEGER NOT NULL, at INTEGER NOT NULL,
              kind TEXT NOT NULL, from_state INTEGER NOT NULL, to_state INTEGER NOT NULL, output TEXT NOT NULL, suppressed TEXT)
            """,
            "CREATE INDEX IF NOT EXISTS monitor_events_at ON monitor_events (at)",
            "CREATE TABLE IF NOT EXISTS monitor_series (id INTEGER PRIMARY KEY, check_id INTEGER NOT NULL, label TEXT NOT NULL, UNIQUE (check_id, label))",
            "CREATE TABLE IF NOT EXISTS monitor_perf_5m (series_id INTEGER NOT NULL, day INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (series_id, day)) WITHOUT ROWID",
            "CREATE TABLE IF NOT EXISTS monitor_perf_1h (series_id INTEGER NOT NULL, day INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (series_id, day)) WITHOUT ROWID",
            "CREATE TABLE IF NOT EXISTS monitor_meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL)");
    }

    public async Task WriteAsync(IReadOnlyList<CheckRun> runs, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(runs);
        await _writeGate.WaitAsync(ct);
        try
        {
            await using var db = await OpenAsync(ct);
            await using var tx = (SqliteTransaction)await db.BeginTransactionAsync(ct);
            await using var result = Command(db, tx,
                "INSERT OR REPLACE INTO monitor_results VALUES ($c, $at, $state, $hard, $attempt, $ms, $output, $perf)",
                "$c", "$at", "$state", "$hard", "$attempt", "$ms", "$output", "$perf");
            await using var ev = Command(db, tx,
                "INSERT INTO monitor_events (check_id, at, kind, from_state, to_state, output, suppressed) VALUES ($c, $at, $k, $f, $t, $o, $s)",
                "$c", "$at", "$k", "$f", "$t", "$o", "$s");
            foreach (var run in runs)
            {
                var id = await CheckIdAsync(db, tx, run.Check, ct);
                var r = run.Result;
                var perf = PerfDataFormatter.Format(r.PerfData);
                await RunAsync(result, ct, id, Ms(run.Started + r.Duration), (int)r.State, run.Status.Type == StateType.Hard ? 1 : 0,
                    run.Status.Attempt, (long)r.Duration.TotalMilliseconds, r.Output, perf);
                foreach (var e in run.Events)
                {
                    await RunAsync(ev, ct, id, Ms(e.At), e.Kind.ToString(), (int)e.From, (int)e.To, e.Result.Output, (object?)e.SuppressedBecause ?? DBNull.Value);
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
            WHERE check_id = (SELECT id FROM monitor_checks WHERE name = $c) ORDER BY at DESC LIMIT $n
            """, "$c", "$n");
        q.Parameters["$c"].Value = check;
        q.Parameters["$n"].Value = limit;
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
            JOIN monitor_checks c ON c.id = e.check_id WHERE e.at >= $since ORDER BY e.at, e.id
            """, "$since");
        q.Parameters["$since"].Value = Ms(since);
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
            WHERE c.name = $c AND s.label = $l AND p.day BETWEEN $from AND $to ORDER BY p.day
            """, "$c", "$l", "$from", "$to");
        q.Parameters["$c"].Value = check;
        q.Parameters["$l"].Value = label;
        q.Parameters["$from"].Value = DaySlots.Day(since);
        q.Parameters["$to"].Value = DaySlots.Day(until);
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
            await using var tx = (SqliteTransaction)await db.BeginTransactionAsync(ct);
            var fives = await RollupAsync(db, tx, Resolution.FiveMinutes, now, policy, ct);
            var hours = await RollupAsync(db, tx, Resolution.Hour, now, policy, ct);
            long deleted;
            await using (var prune = Command(db, tx, "DELETE FROM monitor_results WHERE at < $t", "$t"))
            {
                prune.Parameters["$t"].Value = Ms(now - policy.Raw);
                deleted = await prune.ExecuteNonQueryAsync(ct);
            }

            await using (var prune = Command(db, tx,
                "DELETE FROM monitor_perf_5m WHERE day < $d5; DELETE FROM monitor_perf_1h WHERE day < $dh; DELETE FROM monitor_events WHERE at < $e",
                "$d5", "$dh", "$e"))
            {
                prune.Parameters["$d5"].Value = DaySlots.Day(now - policy.FiveMinutes);
                prune.Parameters["$dh"].Value = DaySlots.Day(now - policy.Hours);
                prune.Parameters["$e"].Value = Ms(now - policy.Events);
                await prune.ExecuteNonQueryAsync(ct);
            }

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
    private static async Task<int> RollupAsync(SqliteConnection db, SqliteTransaction tx, Resolution r, DateTimeOffset now, RetentionPolicy policy,
        CancellationToken ct)
    {
        var length = DaySlots.SlotLength(r);
        var end = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % length.Ticks), TimeSpan.Zero);
        var key = "rolled_" + Table(r);
        var floor = Ms(now - policy.Raw);
        long start;
        await using (var get = Command(db, tx, "SELECT v FROM monitor_meta WHERE k = $k", "$k"))
        {
            get.Parameters["$k"].Value = key;
            start = await get.ExecuteScalarAsync(ct) is long v ? Math.Max(v, floor) : floor;
        }

        if (start >= Ms(end))
        {
            return 0;
        }

        var buckets = new Dictionary<(long Series, long Bucket), (double Min, double Sum, double Max, int N)>();
        await using (var q = Command(db, tx, "SELECT check_id, at, perfdata FROM monitor_results WHERE at >= $a AND at < $b AND perfdata <> ''", "$a", "$b"))
        {
            q.Parameters["$a"].Value = start;
            q.Parameters["$b"].Value = Ms(end);
            var rows = new List<(long Check, long At, string Perf)>();
            await using (var reader = await q.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2)));
                }
            }

            foreach (var (check, at, perf) in rows)
            {
                foreach (var datum in PerfDataParser.Parse(perf).Data)
                {
                    if (datum.Value is not { } value)
                    {
                        continue;
                    }

                    var series = await SeriesIdAsync(db, tx, check, datum.Label, ct);
                    var bucket = at / (long)length.TotalMilliseconds;
                    buckets[(series, bucket)] = buckets.TryGetValue((series, bucket), out var b)
                        ? (Math.Min(b.Min, value), b.Sum + value, Math.Max(b.Max, value), b.N + 1)
                        : (value, value, value, 1);
                }
            }
        }

        foreach (var day in buckets.GroupBy(b => (b.Key.Series, Day: DaySlots.Day(At(b.Key.Bucket * (long)length.TotalMilliseconds)))))
        {
            byte[] blob;
            await using (var get = Command(db, tx, $"SELECT data FROM {Table(r)} WHERE series_id = $s AND day = $d", "$s", "$d"))
            {
                get.Parameters["$s"].Value = day.Key.Series;
                get.Parameters["$d"].Value = day.Key.Day;
                blob = await get.ExecuteScalarAsync(ct) as byte[] ?? DaySlots.Empty(r);
            }

            foreach (var ((_, bucket), v) in day)
            {
                DaySlots.Set(blob, DaySlots.Slot(At(bucket * (long)length.TotalMilliseconds), r), v.Min, v.Sum / v.N, v.Max);
            }

            await using var put = Command(db, tx, $"INSERT OR REPLACE INTO {Table(r)} VALUES ($s, $d, $b)", "$s", "$d", "$b");
            await RunAsync(put, ct, day.Key.Series, day.Key.Day, blob);
        }

        await using (var set = Command(db, tx, "INSERT OR REPLACE INTO monitor_meta VALUES ($k, $v)", "$k", "$v"))
        {
            await RunAsync(set, ct, key, Ms(end));
        }

        return buckets.Keys.Select(k => k.Bucket).Distinct().Count();
    }

    private async Task<long> CheckIdAsync(SqliteConnection db, SqliteTransaction tx, string name, CancellationToken ct)
    {
        if (_checkIds.TryGetValue(name, out var id))
        {
            return id;
        }

        await using var q = Command(db, tx, "INSERT INTO monitor_checks (name) VALUES ($n) ON CONFLICT (name) DO UPDATE SET name = name RETURNING id", "$n");
        q.Parameters["$n"].Value = name;
        id = (long)(await q.ExecuteScalarAsync(ct))!;
        _checkIds[name] = id;
        return id;
    }

    private static async Task<long> SeriesIdAsync(SqliteConnection db, SqliteTransaction tx, long check, string label, CancellationToken ct)
    {
        await using var q = Command(db, tx,
            "INSERT INTO monitor_series (check_id, label) VALUES ($c, $l) ON CONFLICT (check_id, label) DO UPDATE SET label = label RETURNING id", "$c", "$l");
        q.Parameters["$c"].Value = check;
        q.Parameters["$l"].Value = label;
        return (long)(await q.ExecuteScalarAsync(ct))!;
    }

    private static string Table(Resolution r) => r == Resolution.FiveMinutes ? "monitor_perf_5m" : "monitor_perf_1h";

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var db = new SqliteConnection(_connectionString);
        await db.OpenAsync(ct);
        return db;
    }

    private static SqliteCommand Command(SqliteConnection db, SqliteTransaction? tx, string sql, params string[] parameters)
    {
        var command = db.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var p in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = p });
        }

        return command;
    }

    private static async Task RunAsync(SqliteCommand command, CancellationToken ct, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }

        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task ExecAsync(SqliteConnection db, CancellationToken ct, params string[] statements)
    {
        foreach (var sql in statements)
        {
            await using var command = Command(db, null, sql);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public ValueTask DisposeAsync()
    {
        _writeGate.Dispose();
        return ValueTask.CompletedTask;
    }
}
