using Microsoft.Extensions.Logging;

namespace Slipway.Monitor.Scheduling;

internal static partial class LogMessages
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Check {Check} threw instead of returning a result; recorded as UNKNOWN")]
    public static partial void CheckThrew(ILogger logger, string check, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recording the result of check {Check} failed")]
    public static partial void SinkFailed(ILogger logger, string check, Exception exception);
}
