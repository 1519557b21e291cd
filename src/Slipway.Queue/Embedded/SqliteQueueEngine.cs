using Microsoft.Data.Sqlite;
using Slipway.Queue.Internal;

namespace Slipway.Queue.Embedded;

/// <summary>
/// The embedded engine: one SQLite file in WAL mode. One connection per engine, and one transaction at a time on it
/// (SQLite has one writer per file anyway; several processes sharing the file take turns through its lock and busy
/// time-out). Idle workers in this process wake on its own enqueues; other processes' enqueues are seen on the next poll.
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

    private readonly SemaphoreSlim _gate = new(1, 1);
    private SqliteConnection? _connection;

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
        await using var session = await BeginAsync(ct);
        await SchemaVersion.MigrateAsync(session, [Schema], ct);
        await session.CommitAsync(ct);
    }

    protected override async Task<SqlSession> BeginAsync(CancellationToken ct)
    {
        var connection = _connection ?? throw new InvalidOperationException("InitializeAsync was not called");
        await _gate.WaitAsync(ct);
        try
        {
            // BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default): the write lock up front, so two processes never deadlock upgrading.
            var transaction = await connection.BeginTransactionAsync(ct);
            return new SqlSession(connection, transaction, () =>
            {
                _gate.Release();
                return ValueTask.CompletedTask;
            });
        }
        catch
        {
            _gate.Release();
            throw;
        }
    }

    protected override void AnnounceCommitted(IReadOnlyCollection<string> queues)
    {
        foreach (var queue in queues)
        {
            Signals.Signal(queue);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }

        _gate.Dispose();
    }
}
