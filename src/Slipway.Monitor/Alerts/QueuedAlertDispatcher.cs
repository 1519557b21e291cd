using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Slipway.Core.Jobs;

namespace Slipway.Monitor.Alerts;

/// <summary>
/// Sends alerts through the job queue: each alert is stored as one job per channel (queue <c>monitor-alerts.CHANNEL</c>,
/// key = channel + <see cref="Notification.Key"/>, so an alert planned twice is stored once), then a worker per channel
/// sends the jobs one at a time in order. A failed try is retried by the queue with its backoff; an alert whose
/// attempts are spent stays in the dead-letter list (<c>slipway queue peek monitor-alerts.mail --state dead</c>,
/// <c>queue retry</c>). Alerts still unsent when the monitor stops are sent after it starts again. When the queue
/// cannot store an alert (its database is down), the alert goes to <paramref name="fallback"/>, the in-memory
/// dispatcher, rather than be lost.
/// </summary>
public sealed class QueuedAlertDispatcher(
    IReadOnlyList<IAlertChannel> channels, IDurableJobs jobs, int attempts, IAlertDispatcher fallback, Action<DeliveryReport> report,
    Action<string> warn, TimeProvider? time = null) : IAlertDispatcher
{
    /// <summary>The queue that holds a channel's alerts.</summary>
    public static string QueueFor(string channel) => "monitor-alerts." + channel;

    private readonly Channel<Notification> _planned = Channel.CreateUnbounded<Notification>(new UnboundedChannelOptions { SingleReader = true });

    public bool Enqueue(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return channels.Count > 0 && _planned.Writer.TryWrite(notification);
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var workers = channels.Select(channel => jobs.RunAsync(QueueFor(channel.Name), (job, token) => SendAsync(channel, job, token),
            outcome => Report(channel, outcome), ct)).ToList();
        var fallbackRun = fallback.RunAsync(ct);
        await StoreLoopAsync(ct);
        await Task.WhenAll([.. workers, fallbackRun]);
    }

    /// <summary>Stores what was planned; on a stop, stores what is left (not cancellable: it is quick, and otherwise lost).</summary>
    private async Task StoreLoopAsync(CancellationToken ct)
    {
        try
        {
            while (await _planned.Reader.WaitToReadAsync(ct))
            {
                await StorePlannedAsync(CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }

        _planned.Writer.TryComplete();
        await StorePlannedAsync(CancellationToken.None);
    }

    private async Task StorePlannedAsync(CancellationToken ct)
    {
        while (_planned.Reader.TryRead(out var notification))
        {
            var payload = JsonSerializer.Serialize(notification, QueuedAlertJsonContext.Default.Notification);
            foreach (var channel in channels)
            {
                try
                {
                    await jobs.EnqueueAsync(new DurableJobRequest(QueueFor(channel.Name), payload, channel.Name + " " + notification.Key, attempts), ct);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    warn($"alert {notification.Type} {notification.Check}: cannot store it in the queue at {jobs.Where} ({e.Message}); sending it from memory");
                    fallback.Enqueue(notification);
                    break;
                }
            }
        }
    }

    private static async Task<string?> SendAsync(IAlertChannel channel, DurableJob job, CancellationToken ct)
    {
        Notification? notification;
        try
        {
            notification = JsonSerializer.Deserialize(job.Payload, QueuedAlertJsonContext.Default.Notification);
        }
        catch (JsonException e)
        {
            return $"not an alert: {e.Message}";
        }

        if (notification is null)
        {
            return "not an alert: null";
        }

        try
        {
            await channel.SendAsync(notification, ct);
            return null;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return e is OperationCanceledException ? "timed out" : e.Message;
        }
    }

    private void Report(IAlertChannel channel, DurableJobOutcome outcome)
    {
        Notification? notification;
        try
        {
            notification = JsonSerializer.Deserialize(outcome.Job.Payload, QueuedAlertJsonContext.Default.Notification);
        }
        catch (JsonException)
        {
            return;
        }

        if (notification is null)
        {
            return;
        }

        var wait = outcome.RetryAt is { } at ? at - (time ?? TimeProvider.System).GetUtcNow() : (TimeSpan?)null;
        report(new DeliveryReport(notification, channel.Name, outcome.Job.Attempt, outcome.Job.MaxAttempts, outcome.Error,
            wait is { } w && w < TimeSpan.Zero ? TimeSpan.Zero : wait));
    }
}

[JsonSerializable(typeof(Notification))]
internal sealed partial class QueuedAlertJsonContext : JsonSerializerContext;
