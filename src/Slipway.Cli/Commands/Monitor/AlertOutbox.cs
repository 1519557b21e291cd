using System.Data.Common;
using Slipway.Cli.Commands.Queue;
using Slipway.Core.Config;
using Slipway.Queue;
using Slipway.Queue.Workers;

namespace Slipway.Cli.Commands.Monitor;

/// <summary>
/// The job queue <c>monitor serve</c> keeps its alerts in until they are sent: the site's queue (<c>queue.url</c>, the
/// embedded <c>.slipway/queue.db</c> by default), except SQS, whose idempotency keys last 5 minutes only, so alerts then
/// use the embedded file. Failed tries are retried with <c>monitor.alerts.retry_delay</c> doubling (up to 10 minutes),
/// <c>monitor.alerts.attempts</c> times.
/// </summary>
internal sealed class AlertOutbox(IQueueEngine engine, QueueDurableJobs jobs) : IAsyncDisposable
{
    public QueueDurableJobs Jobs => jobs;

    /// <summary>Null (after <paramref name="warn"/>) when the queue cannot be opened: the alerts are then kept in memory only.</summary>
    public static async Task<AlertOutbox?> OpenAsync(SlipwayConfig config, MonitorAlertsConfig alerts, TimeProvider time, Action<string> warn, CancellationToken ct)
    {
        var queue = config.Queue ?? QueueConfig.DefaultFor(config.SourceFile);
        var url = queue.Url.StartsWith("sqs", StringComparison.OrdinalIgnoreCase) ? QueueConfig.DefaultUrl(config.SourceFile) : queue.Url;
        var options = new QueueSection(queue, url).EngineOptions() with
        {
            Retry = new RetryPolicy { MaxAttempts = alerts.Attempts, BaseDelay = alerts.RetryDelay, MaxDelay = TimeSpan.FromMinutes(10), Jitter = 0.1 },
        };
        var shown = QueueEngineFactory.Redact(url);
        IQueueEngine? engine = null;
        try
        {
            engine = QueueEngineFactory.Open(url, options, time);
            await engine.InitializeAsync(ct);
            return new AlertOutbox(engine, new QueueDurableJobs(engine, shown, new WorkerOptions { StopGrace = TimeSpan.FromSeconds(10) }, time));
        }
        catch (Exception e) when (e is QueueException or DbException or IOException or UnauthorizedAccessException or TimeoutException)
        {
            if (engine is not null)
            {
                await engine.DisposeAsync();
            }

            warn($"cannot open the queue at {shown} for alerts ({e.Message}); alerts are kept in memory only");
            return null;
        }
    }

    public ValueTask DisposeAsync() => engine.DisposeAsync();
}
