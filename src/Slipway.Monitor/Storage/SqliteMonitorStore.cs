using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Slipway.Monitor.Storage;

/// <summary>
/// SQLite (the default, <c>.slipway/monitor.db</c>): WAL, one transaction per batch; raw results without a rowid (no
/// second index).
/// </summary>
public sealed class SqliteMonitorStore(string path) : SqlMonitorStore(SqlDialect.Sqlite)
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    public string Path { get; } = path;

    public override Task MigrateAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        return base.MigrateAsync(ct);
    }

    protected override async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var db = new SqliteConnection(_connectionString);
        await db.OpenAsync(ct);
        return db;
    }
}
