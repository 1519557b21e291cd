using MySqlConnector;
using Npgsql;
using Slipway.Core.Net;

namespace Slipway.Logs.Storage;

/// <summary>
/// Opens a store from the one connection string users give: a SQLite file path ("logs.db"),
/// "mysql://user:pass@host:port/db" (also "mariadb://") or "postgres://user:pass@host:port/db" (also "postgresql://").
/// </summary>
public static class LogStoreFactory
{
    public static ILogStore Open(string connection)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connection);
        var scheme = Scheme(connection);
        return scheme switch
        {
            null or "sqlite" => new SqliteLogStore(SqlitePath(connection)!),
            "mysql" or "mariadb" => MySql(Parse(connection, 3306)),
            "postgres" or "postgresql" => Postgres(Parse(connection, 5432)),
            _ => throw new LogStoreException(
                $"Unknown database '{scheme}://' in '{Redact(connection)}'. Use a SQLite file path, mysql://user:pass@host:port/db or postgres://user:pass@host:port/db."),
        };
    }

    /// <summary>
    /// A store that must already exist, for commands that only read (<c>logs query</c>, <c>logs digest</c>): a missing
    /// SQLite file is an error naming its path, never a new empty database. Call <see cref="ILogStore.CheckSchemaAsync"/>
    /// before reading, which says when a database server holds no Slipway schema.
    /// </summary>
    public static ILogStore OpenExisting(string connection)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connection);
        if (SqlitePath(connection) is not { } path)
        {
            return Open(connection);
        }

        if (!File.Exists(path))
        {
            throw new LogStoreException(
                $"no SQLite database at {Path.GetFullPath(path)}; only 'slipway logs serve' creates one. Check --db or logs.db.");
        }

        return new SqliteLogStore(path, create: false);
    }

    /// <summary>The file of a SQLite connection string (a path, sqlite:PATH or sqlite://PATH); null for a server URL.</summary>
    private static string? SqlitePath(string connection) => Scheme(connection) switch
    {
        null => connection.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) ? connection[7..] : connection,
        "sqlite" => connection[9..],
        _ => null,
    };

    private static string? Scheme(string connection) => DatabaseUrl.SchemeOf(connection);

    private static MySqlLogStore MySql(DatabaseUrl t) => new(MySqlConnectionString(t), WantsSystemEvents(t));

    private static PostgresLogStore Postgres(DatabaseUrl t) => new(PostgresConnectionString(t), WantsSystemEvents(t));

    /// <summary><c>?systemevents=1</c>: also fill rsyslog's SystemEvents table, for LogAnalyzer and existing tooling.</summary>
    private static bool WantsSystemEvents(DatabaseUrl t) => t.Options.TryGetValue("systemevents", out var v) && v is "1" or "true" or "yes";

    /// <summary>The connection string with its password replaced by "***", for messages.</summary>
    public static string Redact(string connection) => DatabaseUrl.Redact(connection);

    private static DatabaseUrl Parse(string connection, int defaultPort) =>
        DatabaseUrl.TryParse(connection, defaultPort, out var problem) ?? throw new LogStoreException(problem!);

    private static string MySqlConnectionString(DatabaseUrl t)
    {
        var builder = new MySqlConnectionStringBuilder
        {
            Server = t.Host,
            Port = (uint)t.Port,
            UserID = t.User,
            Password = t.Password,
            Database = t.Database,
            SslMode = MySqlSslMode.Preferred,
            AllowUserVariables = true,
            CharacterSet = "utf8mb4",

            // Batches are written with LOAD DATA LOCAL INFILE from the writer's own in-memory stream; MySqlConnector
            // answers a server's request only for such streams, never with a file.
            AllowLoadLocalInfile = true,
        };
        if (t.Options.TryGetValue("socket", out var socket))
        {
            builder.Server = socket;
            builder.ConnectionProtocol = MySqlConnectionProtocol.UnixSocket;
        }

        return builder.ConnectionString;
    }

    private static string PostgresConnectionString(DatabaseUrl t)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = t.Host,
            Port = t.Port,
            Username = t.User,
            Password = t.Password,
            Database = t.Database,
        };
        if (t.Options.TryGetValue("sslmode", out var ssl) && Enum.TryParse<SslMode>(ssl, ignoreCase: true, out var mode))
        {
            builder.SslMode = mode;
        }

        return builder.ConnectionString;
    }
}
