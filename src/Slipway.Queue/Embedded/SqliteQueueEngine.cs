using Microsoft.Data.Sqlite;
using Slipway.Queue.Internal;

namespace Slipway.Queue.Embedded;

/// <summary>
/// The embedded engine: one SQLite file in WAL mode. One connection per engine, and one transaction at a time on it
/// (SQLite has one writer per file anyway; several processes sharing the file take turns through its lock and busy
/// time-out). Idle workers in this process wake on its own enqueues, and on other processes' through a file beside the
/// store that they watch (<see cref="WakeFile"/>).
/// </summary>
internal sealed class SqliteQueueEngine(string path, QueueEngineOptions options, TimeProvider time) : SqlQueueEngine(options, time)
{
    private static readonly string[] Schema =
    [
        """
        CREATE TABLE IF NOT EXISTS slipway_jobs (
          id INTEGER PRIMARY KEY,
          queue TEXT NOT NULL, state INTEGER NOT NULL, priority INTEGER NOT NULL, payload TEXT NOT NULL,
          attempt INTEGER NOT NULL, attempt_base INTEGER NOT NULL, max_attempts INTEGER NOT NULL,
          visible_at INTEGER NOT NULL, created_at INTEGER NOT NULL, finished_at INTEGER,
          idempotency_key TEXT, last_error TEXT, output TEXT)
        """,
        "CREATE UNIQUE INDEX IF NOT EXISTS slipway_jobs_key ON slipway_jobs (queue, idempotency_key)",
        "CREATE INDEX IF NOT EXISTS slipway_jobs_pick ON slipway_jobs (queue, priority DESC, visible_at, id) WHERE state IN (0, 1)",

        // Leases running out (burying a job on its last attempt) and a limited queue's running count; the pick index
        // leads with priority, so these would otherwise scan every waiting job.
        "CREATE INDEX IF NOT EXISTS slipway_jobs_running ON slipway_jobs (queue, visible_at) WHERE state = 1",
        "CREATE INDEX IF NOT EXISTS slipway_jobs_finished ON slipway_jobs (state, finished_at) WHERE state IN (2, 3)",

        // One row per rate-limited queue: when its token bucket is full again (Internal/RateGate.cs).
        "CREATE TABLE IF NOT EXISTS slipway_rates (queue TEXT PRIMARY KEY, full_at REAL NOT NULL)",
    ];

    /// <summary>
    /// Version 2: jobs per queue and state in <c>slipway_counts</c>, kept by triggers in the transaction that changes a
    /// job, so every process sharing the file keeps them right (state -1: jobs finished, succeeded or dead, ever; the
    /// succeeded count stops at the retention cap). The ready/scheduled split and the oldest ready job depend on the
    /// clock, so they come from an index of the ready jobs by visibility, where only the scheduled ones are counted.
    /// </summary>
    private static readonly string[] Counters =
    [
        "CREATE TABLE IF NOT EXISTS slipway_counts (queue TEXT NOT NULL, state INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (queue, state)) WITHOUT ROWID",
        "CREATE INDEX IF NOT EXISTS slipway_jobs_waiting ON slipway_jobs (queue, visible_at) WHERE state = 0",
        """
        CREATE TRIGGER IF NOT EXISTS slipway_jobs_count_insert AFTER INSERT ON slipway_jobs BEGIN
          INSERT INTO slipway_counts (queue, state, n) VALUES (NEW.queue, NEW.state, 1) ON CONFLICT (queue, state) DO UPDATE SET n = n + 1;
        END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS slipway_jobs_count_update AFTER UPDATE OF state ON slipway_jobs WHEN OLD.state <> NEW.state BEGIN
          UPDATE slipway_counts SET n = n - 1 WHERE queue = OLD.queue AND state = OLD.state;
          INSERT INTO slipway_counts (queue, state, n) VALUES (NEW.queue, NEW.state, 1) ON CONFLICT (queue, state) DO UPDATE SET n = n + 1;
          INSERT INTO slipway_counts (queue, state, n) SELECT NEW.queue, -1, 1 WHERE NEW.state IN (2, 3)
            ON CONFLICT (queue, state) DO UPDATE SET n = n + 1;
        END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS slipway_jobs_count_delete AFTER DELETE ON slipway_jobs BEGIN
          UPDATE slipway_counts SET n = n - 1 WHERE queue = OLD.queue AND state = OLD.state;
        END
        """,

        // A store from version 1 keeps its jobs: counted once here.
        "DELETE FROM slipway_counts",
        "INSERT INTO slipway_counts (queue, state, n) SELECT queue, state, count(*) FROM slipway_jobs GROUP BY queue, state",
        "INSERT INTO slipway_counts (queue, state, n) SELECT queue, -1, count(*) FROM slipway_jobs WHERE state IN (2, 3) GROUP BY queue",
    ];

    private readonly SemaphoreSlim _gate = new(1, 1);
    private SqliteConnection? _connection;
    private SqliteCommandCache? _commands;
    private WakeFile? _wakeFile;

    public override string Kind => "sqlite";

    public string Path => path;

    protected override string PickSuffix => "";

    protected override string LockRowSuffix => "";

    public override async Task InitializeAsync(CancellationToken ct)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        await connection.OpenAsync(ct);
        await using (var pragmas = connection.CreateCommand())
        {
            // NORMAL in WAL mode: a power cut may lose the last commits but never corrupts the file; a crash of the process loses nothing.
            pragmas.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;";
            await pragmas.ExecuteNonQueryAsync(ct);
        }

        _connection = connection;
        _commands = new SqliteCommandCache(connection);
        _wakeFile = new WakeFile(path, Signals.SignalAll);
        await using var session = await BeginAsync(ct);
        await SchemaVersion.MigrateAsync(session, [Schema, Counters], ct);
        await session.CommitAsync(ct);
    }

    protected override async Task<SqlSession> BeginAsync(CancellationToken ct)
    {
        var connection = _connection ?? throw new InvalidOperationException("InitializeAsync was not called");
        var commands = _commands!;
        await _gate.WaitAsync(ct);
        try
        {
            // BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default): the write lock up front, so two processes never deadlock upgrading.
            var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
            return new SqlSession(connection, transaction, () =>
            {
                _gate.Release();
                return ValueTask.CompletedTask;
            }, sql => commands.Get(sql, transaction));
        }
        catch
        {
            _gate.Release();
            throw;
        }
    }

    protected override async Task<IReadOnlyList<QueueStats>> ReadStatsAsync(string? queue, CancellationToken ct)
    {
        var now = NowMs();
        var stats = new List<QueueStats>();
        await using var session = await BeginAsync(ct);
        await using var command = session.Command(
            $"""
            SELECT c.queue, c.waiting, c.running, c.succeeded, c.dead,
              (SELECT count(*) FROM slipway_jobs j WHERE j.queue = c.queue AND j.state = 0 AND j.visible_at > @now),
              (SELECT min(j.visible_at) FROM slipway_jobs j WHERE j.queue = c.queue AND j.state = 0)
            FROM (
              SELECT queue, sum(CASE WHEN state = 0 THEN n ELSE 0 END) AS waiting, sum(CASE WHEN state = 1 THEN n ELSE 0 END) AS running,
                sum(CASE WHEN state = 2 THEN n ELSE 0 END) AS succeeded, sum(CASE WHEN state = 3 THEN n ELSE 0 END) AS dead
              FROM slipway_counts {(queue is null ? "" : "WHERE queue = @queue")} GROUP BY queue) c
            WHERE c.waiting + c.running + c.succeeded + c.dead > 0
            ORDER BY c.queue
            """).With("now", now);
        if (queue is not null)
        {
            command.With("queue", queue);
        }

        await using (var r = await command.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var scheduled = r.GetInt64(5);
                var oldest = r.NullableInt64(6);
                stats.Add(new QueueStats(r.GetString(0), r.GetInt64(1) - scheduled, scheduled, r.GetInt64(2), r.GetInt64(3), r.GetInt64(4),
                    oldest is { } at && at <= now ? TimeSpan.FromMilliseconds(now - at) : null));
            }
        }

        await session.CommitAsync(ct);
        return stats;
    }

    protected override void AnnounceCommitted(IReadOnlyCollection<string> queues)
    {
        foreach (var queue in queues)
        {
            Signals.Signal(queue);
        }

        _wakeFile?.Touch();
    }

    public override Task WhenJobsMayBeReadyAsync(string queue)
    {
        // Taken before the watch starts: a wake-up from the watcher completes this task too.
        var next = base.WhenJobsMayBeReadyAsync(queue);
        _wakeFile?.Watch();
        return next;
    }

    public override async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            _commands?.Dispose();
            _commands = null;
            _wakeFile?.Dispose();
            _wakeFile = null;
            await _connection.DisposeAsync();
            _connection = null;
        }

        _gate.Dispose();
    }
}
