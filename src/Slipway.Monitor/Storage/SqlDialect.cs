namespace Slipway.Monitor.Storage;

/// <summary>
/// What differs between the databases the history lives in: the schema's column types and how a row is written over
/// an existing one. Statements use <c>@p0</c>, <c>@p1</c>… for their values, which all three drivers take. Pure.
/// </summary>
public abstract class SqlDialect
{
    public static SqlDialect Sqlite { get; } = new SqliteDialect();

    public static SqlDialect MariaDb { get; } = new MariaDbDialect();

    public static SqlDialect Postgres { get; } = new PostgresDialect();

    public abstract string Kind { get; }

    /// <summary>The statements that create the schema when it is missing, in order.</summary>
    public abstract IReadOnlyList<string> Schema { get; }

    /// <summary>Inserts a row, or replaces the row with the same <paramref name="keys"/>.</summary>
    public abstract string Upsert(string table, IReadOnlyList<string> columns, IReadOnlyList<string> keys);

    /// <summary>Inserts a row unless one with the same unique key exists.</summary>
    public abstract string InsertIgnore(string table, IReadOnlyList<string> columns);

    protected static string Values(int count) => string.Join(", ", Enumerable.Range(0, count).Select(i => "@p" + i));

    private sealed class SqliteDialect : SqlDialect
    {
        public override string Kind => "sqlite";

        public override IReadOnlyList<string> Schema { get; } =
        [
            "PRAGMA journal_mode=WAL",
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
            "CREATE TABLE IF NOT EXISTS monitor_meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL)",
        ];

        public override string Upsert(string table, IReadOnlyList<string> columns, IReadOnlyList<string> keys) =>
            $"INSERT OR REPLACE INTO {table} ({string.Join(", ", columns)}) VALUES ({Values(columns.Count)})";

        public override string InsertIgnore(string table, IReadOnlyList<string> columns) =>
            $"INSERT OR IGNORE INTO {table} ({string.Join(", ", columns)}) VALUES ({Values(columns.Count)})";
    }

    /// <summary>
    /// MariaDB and MySQL (InnoDB, utf8mb4 with a binary collation so check names compare as the scheduler compares them).
    /// Names and labels are VARCHAR(255) because a unique key needs a bounded column.
    /// </summary>
    private sealed class MariaDbDialect : SqlDialect
    {
        private const string Table = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

        public override string Kind => "mariadb";

        public override IReadOnlyList<string> Schema { get; } =
        [
            $"CREATE TABLE IF NOT EXISTS monitor_checks (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(255) NOT NULL, UNIQUE KEY monitor_checks_name (name)) {Table}",
            $"""
            CREATE TABLE IF NOT EXISTS monitor_results (check_id BIGINT NOT NULL, at BIGINT NOT NULL, state INT NOT NULL, hard INT NOT NULL,
              attempt INT NOT NULL, duration_ms BIGINT NOT NULL, output MEDIUMTEXT NOT NULL, perfdata TEXT NOT NULL, PRIMARY KEY (check_id, at)) {Table}
            """,
            $"""
            CREATE TABLE IF NOT EXISTS monitor_events (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, check_id BIGINT NOT NULL, at BIGINT NOT NULL,
              kind VARCHAR(64) NOT NULL, from_state INT NOT NULL, to_state INT NOT NULL, output MEDIUMTEXT NOT NULL, suppressed VARCHAR(255) NULL,
              KEY monitor_events_at (at)) {Table}
            """,
            $"""
            CREATE TABLE IF NOT EXISTS monitor_series (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, check_id BIGINT NOT NULL, label VARCHAR(255) NOT NULL,
              UNIQUE KEY monitor_series_label (check_id, label)) {Table}
            """,
            $"CREATE TABLE IF NOT EXISTS monitor_perf_5m (series_id BIGINT NOT NULL, day BIGINT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (series_id, day)) {Table}",
            $"CREATE TABLE IF NOT EXISTS monitor_perf_1h (series_id BIGINT NOT NULL, day BIGINT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (series_id, day)) {Table}",
            $"CREATE TABLE IF NOT EXISTS monitor_meta (k VARCHAR(64) NOT NULL PRIMARY KEY, v BIGINT NOT NULL) {Table}",
        ];

        public override string Upsert(string table, IReadOnlyList<string> columns, IReadOnlyList<string> keys) =>
            $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({Values(columns.Count)}) ON DUPLICATE KEY UPDATE "
            + string.Join(", ", columns.Except(keys).Select(c => $"{c} = VALUES({c})"));

        public override string InsertIgnore(string table, IReadOnlyList<string> columns) =>
            $"INSERT IGNORE INTO {table} ({string.Join(", ", columns)}) VALUES ({Values(columns.Count)})";
    }

    private sealed class PostgresDialect : SqlDialect
    {
        public override string Kind => "postgres";

        public override IReadOnlyList<string> Schema { get; } =
        [
            "CREATE TABLE IF NOT EXISTS monitor_checks (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
            """
            CREATE TABLE IF NOT EXISTS monitor_results (check_id BIGINT NOT NULL, at BIGINT NOT NULL, state INT NOT NULL, hard INT NOT NULL,
              attempt INT NOT NULL, duration_ms BIGINT NOT NULL, output TEXT NOT NULL, perfdata TEXT NOT NULL, PRIMARY KEY (check_id, at))
            """,
            """
            CREATE TABLE IF NOT EXISTS monitor_events (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, check_id BIGINT NOT NULL,
              at BIGINT NOT NULL, kind TEXT NOT NULL, from_state INT NOT NULL, to_state INT NOT NULL, output TEXT NOT NULL, suppressed TEXT)
            """,
            "CREATE INDEX IF NOT EXISTS monitor_events_at ON monitor_events (at)",
            "CREATE TABLE IF NOT EXISTS monitor_series (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, check_id BIGINT NOT NULL, label TEXT NOT NULL, UNIQUE (check_id, label))",
            "CREATE TABLE IF NOT EXISTS monitor_perf_5m (series_id BIGINT NOT NULL, day BIGINT NOT NULL, data BYTEA NOT NULL, PRIMARY KEY (series_id, day))",
            "CREATE TABLE IF NOT EXISTS monitor_perf_1h (series_id BIGINT NOT NULL, day BIGINT NOT NULL, data BYTEA NOT NULL, PRIMARY KEY (series_id, day))",
            "CREATE TABLE IF NOT EXISTS monitor_meta (k TEXT PRIMARY KEY, v BIGINT NOT NULL)",
        ];

        public override string Upsert(string table, IReadOnlyList<string> columns, IReadOnlyList<string> keys) =>
            $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({Values(columns.Count)}) ON CONFLICT ({string.Join(", ", keys)}) DO UPDATE SET "
            + string.Join(", ", columns.Except(keys).Select(c => $"{c} = EXCLUDED.{c}"));

        public override string InsertIgnore(string table, IReadOnlyList<string> columns) =>
            $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({Values(columns.Count)}) ON CONFLICT DO NOTHING";
    }
}
