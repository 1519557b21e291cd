using Microsoft.Extensions.Logging;

namespace Slipway.Queue.Workers;

/// <summary>The worker's diagnostics (category Slipway.Queue).</summary>
internal static partial class WorkerLog
{
    [LoggerMessage(EventId = 1801, Level = LogLevel.Warning, Message = "Queue {Queue}: leasing failed, retrying in {Delay}")]
    public static partial void LeaseFailed(ILogger logger, Exception exception, string queue, TimeSpan delay);

    [LoggerMessage(EventId = 1802, Level = LogLevel.Warning, Message = "Queue {Queue}: heartbeat failed")]
    public static partial void HeartbeatFailed(ILogger logger, Exception exception, string queue);

    [LoggerMessage(EventId = 1803, Level = LogLevel.Warning,
        Message = "Queue {Queue}: job {JobId} attempt {Attempt} lost its lease; its result will not be recorded")]
    public static partial void LeaseLost(ILogger logger, string queue, long jobId, int attempt);

    [LoggerMessage(EventId = 1804, Level = LogLevel.Information,
        Message = "Queue {Queue}: job {JobId} attempt {Attempt} failed ({Outcome}): {Error}")]
    public static partial void JobFailed(ILogger logger, string queue, long jobId, int attempt, FailOutcome outcome, string error);

    [LoggerMessage(EventId = 1805, Level = LogLevel.Warning,
        Message = "Queue {Queue}: job {JobId} attempt {Attempt}: recording its result failed; it runs again after its lease")]
    public static partial void RecordFailed(ILogger logger, Exception exception, string queue, long jobId, int attempt);

    [LoggerMessage(EventId = 1806, Level = LogLevel.Information,
        Message = "Queue {Queue}: job {JobId} attempt {Attempt} given back (worker stopping)")]
    public static partial void GivenBack(ILogger logger, string queue, long jobId, int attempt);
}
