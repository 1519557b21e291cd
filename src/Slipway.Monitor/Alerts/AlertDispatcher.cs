using System.Threading.Channels;

namespace Slipway.Monitor.Alerts;

/// <summary>Takes the alerts the monitor decides and sends them through the channels, retrying failed tries.</summary>
public interface IAlertDispatcher
{
    /// <summary>Queues <paramref name="notification"/> on every channel; false when every channel already had it.</summary>
    bool Enqueue(Notification notification);

    /// <summary>Delivers until <paramref name="ct"/> is cancelled.</summary>
    Task RunAsync(CancellationToken ct);
}

/// <summary>What became of one try to send one alert through one channel (for the console and the log).</summary>
public sealed record DeliveryReport(Notification Notification, string Channel, int Attempt, int Attempts, string? Error, TimeSpan? RetryIn)
{
    public bool Delivered => Error is null;

    /// <summary>The last try failed: the alert is given up.</summary>
    public bool GivenUp => Error is not null && RetryIn is null;
}

/// <summary>How often and how patiently an alert is tried on one channel.</summary>
public sealed record DeliveryPolicy
{
    /// <summary>The longest wait between two tries.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(10);

    public int Attempts { get; init; } = 5;

    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a stopping service still tries what is queued (one try each, no waits).</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait after failed try <paramref name="attempt"/> (1-based): the first delay, doubled per try, at most <see cref="MaxDelay"/>.</summary>
    public TimeSpan DelayAfter(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        var factor = Math.Pow(2, Math.Min(attempt - 1, 30));
        var delay = FirstDelay.TotalMilliseconds * factor;
        return delay >= MaxDelay.TotalMilliseconds ? MaxDelay : TimeSpan.FromMilliseconds(delay);
    }
}

/// <summary>
/// Delivers alerts through every channel, each channel on its own (a mail server that is down does not hold up the
/// webhook) and in order (a RECOVERY never overtakes its PROBLEM). A failed try is retried after a growing wait
/// (<see cref="DeliveryPolicy"/>); the same alert (<see cref="Notification.Key"/>) queued again while it is waiting or was
/// just sent is dropped. When the service stops, what is still queued gets one more try each, for at most
/// <see cref="DeliveryPolicy.DrainTimeout"/>; what then remains is reported as given up.
/// </summary>
public sealed class AlertDispatcher : IAlertDispatcher
{
    private const int RememberSent = 4096;
    private readonly Lane[] _lanes;
    private readonly DeliveryPolicy _policy;
    private readonly TimeProvider _time;
    private readonly Action<DeliveryReport> _report;

    public AlertDispatcher(IEnumerable<IAlertChannel> channels, DeliveryPolicy policy, Action<DeliveryReport> report, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(channels);
        _lanes = [.. channels.Select(c => new Lane(c))];
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        _report = report ?? throw new ArgumentNullException(nameof(report));
        _time = time ?? TimeProvider.System;
    }

    public bool HasChannels => _lanes.Length > 0;

    /// <summary>Queues <paramref name="notification"/> on every channel; false when every channel already had it.</summary>
    public bool Enqueue(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var queued = false;
        foreach (var lane in _lanes)
        {
            queued |= lane.TryQueue(notification);
        }

        return queued;
    }

    /// <summary>Delivers until <paramref name="ct"/> is cancelled, then drains (see the class summary).</summary>
    public Task RunAsync(CancellationToken ct) => Task.WhenAll(_lanes.Select(lane => RunLaneAsync(lane, ct)));

    private async Task RunLaneAsync(Lane lane, CancellationToken ct)
    {
        try
        {
            while (await lane.Queue.Reader.WaitToReadAsync(ct))
            {
                if (lane.Queue.Reader.TryPeek(out var next))
                {
                    await DeliverAsync(lane, next, ct);
                    lane.Queue.Reader.TryRead(out _);
                    lane.Done(next);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }

        // Stopping: one try each for what is left, within the drain time-out.
        using var drain = new CancellationTokenSource(_policy.DrainTimeout, _time);
        while (lane.Queue.Reader.TryRead(out var left))
        {
            if (drain.IsCancellationRequested)
            {
                _report(new DeliveryReport(left, lane.Channel.Name, 0, _policy.Attempts, "not sent: the monitor stopped", null));
            }
            else
            {
                var error = await TryAsync(lane.Channel, left, drain.Token);
                _report(new DeliveryReport(left, lane.Channel.Name, 1, 1, error is null ? null : error + " (the monitor stopped; not retried)", null));
            }

            lane.Done(left);
        }
    }

    private async Task DeliverAsync(Lane lane, Notification notification, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var error = await TryAsync(lane.Channel, notification, ct);
            ct.ThrowIfCancellationRequested();
            var last = error is null || attempt >= _policy.Attempts;
            var wait = last ? (TimeSpan?)null : _policy.DelayAfter(attempt);
            _report(new DeliveryReport(notification, lane.Channel.Name, attempt, _policy.Attempts, error, wait));
            if (wait is not { } delay)
            {
                return;
            }

            await Task.Delay(delay, _time, ct);
        }
    }

    /// <summary>Null when delivered, else why not.</summary>
    private static async Task<string?> TryAsync(IAlertChannel channel, Notification notification, CancellationToken ct)
    {
        try
        {
            await channel.SendAsync(notification, ct);
            return null;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return "cancelled";
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return e is OperationCanceledException ? "timed out" : e.Message;
        }
    }

    /// <summary>One channel's queue, with the keys queued or recently sent (the deduplication).</summary>
    private sealed class Lane(IAlertChannel channel)
    {
        private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
        private readonly Queue<string> _sent = new();

        public IAlertChannel Channel { get; } = channel;

        public Channel<Notification> Queue { get; } = System.Threading.Channels.Channel.CreateUnbounded<Notification>(
            new UnboundedChannelOptions { SingleReader = true });

        public bool TryQueue(Notification notification)
        {
            lock (_keys)
            {
                if (!_keys.Add(notification.Key))
                {
                    return false;
                }
            }

            return Queue.Writer.TryWrite(notification);
        }

        /// <summary>Done with it (sent or given up): remembered a while, so a duplicate planned later is still dropped.</summary>
        public void Done(Notification notification)
        {
            lock (_keys)
            {
                _sent.Enqueue(notification.Key);
                if (_sent.Count > RememberSent)
                {
                    _keys.Remove(_sent.Dequeue());
                }
            }
        }
    }
}
