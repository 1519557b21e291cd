using Slipway.Core.Config;
using Slipway.Core.Layout;
using Slipway.Core.Net;

namespace Slipway.Monitor.Storage;

/// <summary>
/// Where the results history is, the one rule that <c>monitor serve</c> (which writes it) and the status page (which
/// reads it) share, so both always name the same database. Pure.
/// </summary>
public static class HistoryLocation
{
    /// <summary>
    /// <paramref name="given"/> (<c>--db</c>, a relative path taken from the working directory); else <c>monitor.db</c>;
    /// else the central logs' database when <c>logs.db</c> is a MariaDB or PostgreSQL server (the issue's "same
    /// databases as the logs", in tables of its own); else <c>.slipway/monitor.db</c>. A SQLite <c>logs.db</c> is not
    /// shared: one writer per file keeps both fast.
    /// </summary>
    public static string Resolve(string? given, SlipwayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return given is not null ? (DatabaseUrl.SchemeOf(given) is null ? Path.GetFullPath(given) : given)
            : config.Monitor?.Db is { } configured ? configured
            : config.Logs?.Db is { } logs && MonitorStoreFactory.IsServer(logs) ? logs
            : LocalState.For(config).MonitorDb;
    }
}
