using MySqlConnector;
using Npgsql;

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

    private static string? Scheme(string connection) =>
        connection.IndexOf("://", StringComparison.Ordinal) is var at and > 0 ? connection[..at].ToLowerInvariant() : null;

    private static MySqlLogStore MySql(Target t) => new(MySqlConnectionString(t), WantsSystemEvents(t));

    private static PostgresLogStore Postgres(Target t) => new(PostgresConnectionString(t), WantsSystemEvents(t));

    /// <summary><c>?systemevents=1</c>: also fill rsyslog's SystemEvents table, for LogAnalyzer and existing tooling.</summary>
    private static bool WantsSystemEvents(Target t) => t.Options.TryGetValue("systemevents", out var v) && v is "1" or "true" or "yes";

    /// <summary>The connection string with its password replaced by "***", for messages.</summary>
    public static string Redact(string connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!Uri.TryCreate(connection, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.UserInfo) || !uri.UserInfo.Contains(':'))
        {
            return connection;
        }

        var user = uri.UserInfo[..uri.UserInfo.IndexOf(':', StringComparison.Ordinal)];
        return connection.Replace(uri.UserInfo, user + ":***", StringComparison.Ordinal);
    }

    private sealed record Target(string Host, int Port, string User, string Password, string Database, IReadOnlyDictionary<string, string> Options);

    private static Target Parse(string connection, int defaultPort)
    {
        if (!Uri.TryCreate(connection, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new LogStoreException($"Cannot read the database URL '{Redact(connection)}'. Expected scheme://user:pass@host:port/database.");
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (database.Length == 0)
        {
            throw new LogStoreException($"The database URL '{Redact(connection)}' names no database (…/DBNAME at the end).");
        }

        var user = "";
        var password = "";
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? "" : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }

        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                options[Uri.UnescapeDataString(pair[..eq])] = Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
        }

        return new Target(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? defaultPort : uri.Port, user, password, database, options);
    }

    private static string MySqlConnectionString(Target t)
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

    private static string PostgresConnectionString(Target t)
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
