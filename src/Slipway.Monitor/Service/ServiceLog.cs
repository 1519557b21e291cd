using Microsoft.Extensions.Logging;

namespace Slipway.Monitor.Service;

internal static partial class ServiceLog
{
    [LoggerMessage(EventId = 1901, Level = LogLevel.Warning, Message = "Cannot read the monitor marks {Path}: {Reason}; the marks in force are kept")]
    public static partial void MarksUnreadable(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 1902, Level = LogLevel.Error, Message = "Writing the monitor state {Path} failed")]
    public static partial void StateWriteFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 1903, Level = LogLevel.Warning, Message = "Cannot read the monitor state {Path}: {Reason}; every check starts PENDING")]
    public static partial void StateUnreadable(ILogger logger, string path, string reason);
}
