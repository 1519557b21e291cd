using System.Globalization;
using Slipway.Core.Logging;

namespace Slipway.Queue.Workers;

/// <summary>
/// A failed attempt as a central-logs event: program <c>slipway-queue</c>, msgid <c>job-failed</c>, severity
/// <c>warning</c> while it will be retried and <c>err</c> when it went to the dead-letter list, and a message whose
/// first line names the queue, the job and the attempt (<c>queue=emails job=42 attempt=3</c>, greppable and the same
/// for every worker) followed by the error and then the job's output, so the logs group tracebacks it printed.
/// </summary>
public static class JobFailureEvent
{
    public const string Program = "slipway-queue";
    public const string MsgId = "job-failed";

    public static CentralLogEvent Create(string queue, long jobId, int attempt, FailResult result, string error, string? output, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(error);
        var what = result.Outcome == FailOutcome.Dead
            ? "dead-lettered"
            : "retrying at " + result.RetryAt?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var message = string.Create(CultureInfo.InvariantCulture, $"job failed: queue={queue} job={jobId} attempt={attempt} ({what}): {error}");
        if (!string.IsNullOrWhiteSpace(output))
        {
            message += "\n" + output.TrimEnd('\n');
        }

        return new CentralLogEvent(now, Program, result.Outcome == FailOutcome.Dead ? "err" : "warning", MsgId, message);
    }
}
