using System.Data.Common;
using MySqlConnector;
using Npgsql;

namespace Slipway.Monitor.Storage;

/// <summary>The history in a MariaDB (or MySQL) database, beside the central logs' tables when it is the same one.</summary>
public sealed class MariaDbMonitorStore(string connectionString) : SqlMonitorStore(SqlDialect.MariaDb)
{
    protected override async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var db = new MySqlConnection(connectionString);
        await db.OpenAsync(ct);
        return db;
    }
}

/// <summary>The history in a PostgreSQL database, beside the central logs' tables when it is the same one.</summary>
public sealed class PostgresMonitorStore(string connectionString) : SqlMonitorStore(SqlDialect.Postgres)
{
    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(connectionString);

    protected override async Task<DbConnection> OpenAsync(CancellationToken ct) => await _source.OpenConnectionAsync(ct);

    public override async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync();
        await base.DisposeAsync();
    }
}
