using Microsoft.Extensions.Logging;

namespace Slipway.Logs.Intake;

internal static partial class LogMessages
{
    [LoggerMessage(Level = LogLevel.Error, Message = "Writing {Count} events failed and there is no spool file: {Reason}")]
    public static partial void WriteFailedNoSpool(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {Count} events failed; spooled to {Path} until the database is back: {Reason}")]
    public static partial void WriteFailedSpooling(ILogger logger, int count, string path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dropped {Count} events: the database did not take them ({Reason}) and the spool {Path} could not either ({SpoolReason}); slipway_logs_dropped_total counts them")]
    public static partial void Dropped(ILogger logger, int count, string reason, string path, string spoolReason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database is back: replayed {Count} spooled events")]
    public static partial void SpoolReplayed(ILogger logger, long count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Spool replay failed, will retry: {Reason}")]
    public static partial void SpoolReplayFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for syslog on {Transport} {Endpoint}")]
    public static partial void Listening(ILogger logger, string transport, System.Net.EndPoint endpoint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "TCP connection from {Remote} ended: {Reason}")]
    public static partial void ConnectionEnded(ILogger logger, string remote, string reason);
}
