using Npgsql;
using Slipway.Core.Net;
using Slipway.Queue.Embedded;
using Slipway.Queue.Postgres;
using Slipway.Queue.Redis;
using Slipway.Queue.Sqs;

namespace Slipway.Queue;

/// <summary>
/// Opens the engine a URL names: <c>sqlite:///var/lib/app/queue.db</c> (three slashes: an absolute path;
/// <c>sqlite:queue.db</c> or a bare path: relative), <c>postgres://user:pass@host:5432/db</c> (also
/// <c>postgresql://</c>; <c>?sslmode=require</c>), <c>redis://[:password@]host:6379[/db][?prefix=NAME]</c> (also
/// <c>rediss://</c>: TLS), <c>sqs://host[:port][?region=R&amp;prefix=P]</c> (Amazon SQS over HTTPS; <c>sqs+http://</c>
/// for an emulator on plain HTTP).
/// </summary>
public static class QueueEngineFactory
{
    public static IQueueEngine Open(string url, QueueEngineOptions? options = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        options ??= QueueEngineOptions.Default;
        time ??= TimeProvider.System;
        var at = url.IndexOf("://", StringComparison.Ordinal);
        var scheme = at > 0 ? url[..at].ToLowerInvariant() : null;
        return scheme switch
        {
            null => new SqliteQueueEngine(url.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) ? url[7..] : url, options, time),
            "sqlite" => new SqliteQueueEngine(SqlitePath(url, at), options, time),
            "postgres" or "postgresql" => new PostgresQueueEngine(PostgresConnectionString(url), options, time),
            "redis" or "rediss" => new RedisQueueEngine(RedisUrl.Parse(url), options, time),
            "sqs" or "sqs+http" => new SqsQueueEngine(SqsUrl.Parse(url), options, time),
            _ => throw new QueueException(
                $"Unknown queue engine '{scheme}://' in '{Redact(url)}'. Use sqlite:///path/queue.db, postgres://user:pass@host/db, redis://host:6379 or sqs://host."),
        };
    }

    /// <summary>
    /// What is wrong with <paramref name="url"/> (an unknown or unavailable engine, no file, no database), or null when
    /// <see cref="Open"/> would accept it. Opens nothing: for <c>config check</c> and for messages before any I/O.
    /// </summary>
    public static string? Problem(string url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return "is empty; use sqlite:///path/queue.db, postgres://user:pass@host/db or redis://host:6379";
        }

        try
        {
            var at = url.IndexOf("://", StringComparison.Ordinal);
            switch (at > 0 ? url[..at].ToLowerInvariant() : null)
            {
                case null:
                    return (url.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) ? url[7..] : url).Length == 0
                        ? $"The queue URL '{url}' names no file (sqlite:///path/queue.db)."
                        : null;
                case "sqlite":
                    SqlitePath(url, at);
                    return null;
                case "postgres" or "postgresql":
                    PostgresConnectionString(url);
                    return null;
                case "redis" or "rediss":
                    RedisUrl.Parse(url);
                    return null;
                case "sqs" or "sqs+http":
                    SqsUrl.Parse(url);
                    return null;
                default:
                    // Unknown schemes: Open says why, without opening anything.
                    Open(url);
                    return null;
            }
        }
        catch (QueueException e)
        {
            return e.Message;
        }
    }

    /// <summary>The file of a SQLite queue URL (as <see cref="Open"/> reads it), or null for another engine.</summary>
    public static string? SqliteFile(string url)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        var at = url.IndexOf("://", StringComparison.Ordinal);
        var scheme = at > 0 ? url[..at].ToLowerInvariant() : null;
        return scheme switch
        {
            null => url.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) ? url[7..] : url,
            "sqlite" => SqlitePath(url, at),
            _ => null,
        };
    }

    private static string SqlitePath(string url, int schemeEnd)
    {
        var rest = url[(schemeEnd + 3)..];
        var path = Uri.UnescapeDataString(rest);
        return path.Length == 0 ? throw new QueueException($"The queue URL '{url}' names no file (sqlite:///path/queue.db).") : path;
    }

    /// <summary>The URL with its password replaced by "***", for messages.</summary>
    public static string Redact(string url) => DatabaseUrl.Redact(url);

    internal static string PostgresConnectionString(string url)
    {
        var parsed = DatabaseUrl.TryParse(url, 5432, out var problem, "queue URL", "postgres://user:pass@host:port/database")
            ?? throw new QueueException(problem!);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = parsed.Host,
            Port = parsed.Port,
            Username = parsed.User,
            Password = parsed.Password,
            Database = parsed.Database,
        };
        if (parsed.Option("sslmode") is { } ssl && Enum.TryParse<SslMode>(ssl, ignoreCase: true, out var mode))
        {
            builder.SslMode = mode;
        }

        return builder.ConnectionString;
    }
}
