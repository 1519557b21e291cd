using MySqlConnector;
using Npgsql;
using Slipway.Core.Net;

namespace Slipway.Monitor.Storage;

/// <summary>
/// Opens the history named by a path or URL: a path or <c>sqlite:///abs/path.db</c>, <c>mysql://</c> or
/// <c>mariadb://user:pass@host:3306/db</c>, <c>postgres://</c> or <c>postgresql://user:pass@host:5432/db</c>.
/// </summary>
public static class MonitorStoreFactory
{
    /// <summary>Why <paramref name="location"/> names no store this can open, or null when it does.</summary>
    public static string? Problem(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return DatabaseUrl.SchemeOf(location) switch
        {
            null or "sqlite" => location.Trim().Length == 0 ? "is empty: give a path, sqlite:///path, mysql://… or postgres://…" : null,
            "mysql" or "mariadb" => DatabaseUrl.TryParse(location, 3306, out var problem) is null ? problem : null,
            "postgres" or "postgresql" => DatabaseUrl.TryParse(location, 5432, out var problem) is null ? problem : null,
            var scheme => $"'{scheme}://' is not a history store: use a path, sqlite:///path, mysql://user:pass@host/db or postgres://user:pass@host/db",
        };
    }

    /// <summary>The store; <see cref="ArgumentException"/> with <see cref="Problem"/>'s text when the location is bad.</summary>
    public static IMonitorStore Open(string location)
    {
        if (Problem(location) is { } problem)
        {
            throw new ArgumentException(problem, nameof(location));
        }

        switch (DatabaseUrl.SchemeOf(location))
        {
            case "mysql" or "mariadb":
            {
                var url = DatabaseUrl.TryParse(location, 3306, out _)!;
                return new MariaDbMonitorStore(new MySqlConnectionStringBuilder
                {
                    Server = url.Host, Port = (uint)url.Port, UserID = url.User, Password = url.Password, Database = url.Database,
                    SslMode = MySqlSslMode.Preferred, CharacterSet = "utf8mb4",
                }.ConnectionString);
            }

            case "postgres" or "postgresql":
            {
                var url = DatabaseUrl.TryParse(location, 5432, out _)!;
                return new PostgresMonitorStore(new NpgsqlConnectionStringBuilder
                {
                    Host = url.Host, Port = url.Port, Username = url.User, Password = url.Password, Database = url.Database,
                }.ConnectionString);
            }

            default:
                return new SqliteMonitorStore(location.StartsWith("sqlite://", StringComparison.OrdinalIgnoreCase) ? location["sqlite://".Length..] : location);
        }
    }

    /// <summary>True when <paramref name="location"/> is a database server rather than a file.</summary>
    public static bool IsServer(string location) => DatabaseUrl.SchemeOf(location ?? "") is "mysql" or "mariadb" or "postgres" or "postgresql";
}
