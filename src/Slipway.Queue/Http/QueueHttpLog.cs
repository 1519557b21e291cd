using Microsoft.Extensions.Logging;

namespace Slipway.Queue.Http;

/// <summary>The HTTP API's log messages (event ids 1811–1819, after the worker's 1801–1806).</summary>
internal static partial class QueueHttpLog
{
    [LoggerMessage(EventId = 1811, Level = LogLevel.Warning, Message = "{Path}: the queue store cannot be reached")]
    public static partial void StoreFailed(ILogger logger, Exception exception, string path);
}
