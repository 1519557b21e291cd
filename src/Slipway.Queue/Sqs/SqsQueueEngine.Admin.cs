using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.SQS.Model;

namespace Slipway.Queue.Sqs;

/// <summary>Queues (made on first use), counts, replay and purge; what SQS cannot answer is refused with the reason.</summary>
internal sealed partial class SqsQueueEngine
{
    private const string Approx = "ApproximateNumberOfMessages";
    private const string ApproxNotVisible = "ApproximateNumberOfMessagesNotVisible";
    private const string ApproxDelayed = "ApproximateNumberOfMessagesDelayed";

    /// <summary>SQS's longest MessageRetentionPeriod (14 days), what the engine sets on the queues it makes.</summary>
    private static readonly TimeSpan MaxRetention = TimeSpan.FromDays(14);

    public async Task<IReadOnlyList<QueueStats>> StatsAsync(CancellationToken ct)
    {
        var names = await QueueNamesAsync(dead: null, ct);

        var stats = new List<QueueStats>();
        foreach (var name in names)
        {
            var one = await StatsAsync(name, ct);
            if (one.Ready + one.Scheduled + one.Running + one.Dead > 0)
            {
                stats.Add(one);
            }
        }

        return stats;
    }

    /// <summary>
    /// SQS's approximate counts: Ready the visible messages, Scheduled the delayed ones (DelaySeconds), Running the
    /// received ones not yet deleted (which includes failed jobs waiting out their backoff), Dead the dead-letter
    /// queue's. Succeeded is 0 (SQS keeps nothing of a deleted message) and OldestReadyAge null (SQS tells it only
    /// through CloudWatch).
    /// </summary>
    public async Task<QueueStats> StatsAsync(string queue, CancellationToken ct)
    {
        CheckQueue(queue);
        var main = await CountsAsync(queue, dead: false, ct);
        var dead = await CountsAsync(queue, dead: true, ct);
        return new QueueStats(queue, main.Ready, main.Delayed, main.NotVisible, 0, dead.Ready + dead.Delayed + dead.NotVisible, null);
    }

    private async Task<(long Ready, long Delayed, long NotVisible)> CountsAsync(string queue, bool dead, CancellationToken ct)
    {
        if (await ExistingQueueUrlAsync(queue, dead, ct) is not { } queueUrl)
        {
            return (0, 0, 0);
        }

        var response = await CallAsync(() => _client.GetQueueAttributesAsync(new GetQueueAttributesRequest
        {
            QueueUrl = queueUrl,
            AttributeNames = [Approx, ApproxDelayed, ApproxNotVisible],
        }, ct), ct);
        long Read(string name) =>
            response.Attributes is { } attributes && attributes.TryGetValue(name, out var text) &&
            long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                ? value
                : 0;
        return (Read(Approx), Read(ApproxDelayed), Read(ApproxNotVisible));
    }

    /// <summary>
    /// Dead jobs back to the queue, visible at once, with all their attempts again (the fence keeps growing): every one
    /// (at most the dead list as it was when the call began: messages received once), or the chosen ids that are in
    /// the dead-letter list (read as <see cref="ReadDeadAsync"/> reads it).
    /// </summary>
    public async Task<int> ReplayAsync(string queue, IReadOnlyList<long>? jobIds, CancellationToken ct)
    {
        CheckQueue(queue);
        if (jobIds is not null)
        {
            return await ReplayChosenAsync(queue, jobIds, ct);
        }

        if (await ExistingQueueUrlAsync(queue, dead: true, ct) is not { } deadUrl)
        {
            return 0;
        }

        var mainUrl = await QueueUrlAsync(queue, dead: false, ct);
        var replayed = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var response = await CallAsync(() => _client.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = deadUrl,
                MaxNumberOfMessages = 10,
                VisibilityTimeout = FenceSeconds,
                WaitTimeSeconds = 0,
                MessageAttributeNames = ["All"],
            }, ct), ct);
            var fresh = (response.Messages ?? []).Where(m => seen.Add(m.MessageId)).ToList();
            if (fresh.Count == 0)
            {
                break;
            }

            await SendBatchAsync(mainUrl, [.. fresh.Select(Replayed)], ct);
            foreach (var message in fresh)
            {
                await DeleteAsync(deadUrl, message.ReceiptHandle, ct);
            }

            replayed += fresh.Count;
        }

        if (replayed > 0)
        {
            _signals.Signal(queue);
        }

        return replayed;
    }

    /// <summary>
    /// PurgeQueue: all of the queue (and its dead-letter list), only the dead-letter list (<see cref="JobState.Dead"/>),
    /// or the queue without it (<see cref="JobState.Ready"/>: waiting, delayed and running alike, SQS cannot tell them
    /// apart). Returns SQS's approximate count of what was there. SQS allows one purge a minute per queue and may take
    /// up to a minute to finish it.
    /// </summary>
    public async Task<int> PurgeAsync(string queue, JobState? state, CancellationToken ct)
    {
        CheckQueue(queue);
        if (state is JobState.Running or JobState.Succeeded)
        {
            throw new QueueException(
                $"The sqs engine can purge a whole queue, its waiting jobs (--state ready) or its dead-letter list (--state dead), not --state {state.Value.ToString().ToLowerInvariant()}.");
        }

        var purged = 0L;
        foreach (var dead in state switch { null => new[] { false, true }, JobState.Dead => [true], _ => [false] })
        {
            if (await ExistingQueueUrlAsync(queue, dead, ct) is not { } queueUrl)
            {
                continue;
            }

            var counts = await CountsAsync(queue, dead, ct);
            purged += counts.Ready + counts.Delayed + counts.NotVisible;
            await CallAsync(() => _client.PurgeQueueAsync(new PurgeQueueRequest { QueueUrl = queueUrl }, ct), ct);
        }

        return (int)Math.Min(int.MaxValue, purged);
    }

    /// <summary>The queue's SQS URL, making the queue when it does not exist yet.</summary>
    private async Task<string> QueueUrlAsync(string queue, bool dead, CancellationToken ct)
    {
        if (await ExistingQueueUrlAsync(queue, dead, ct) is { } known)
        {
            return known;
        }

        var name = dead ? SqsNames.Dead(_url.Prefix, queue) : SqsNames.Main(_url.Prefix, queue);
        var retention = dead ? _options.Retention.Dead : MaxRetention;
        var seconds = Seconds(retention < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : retention > MaxRetention ? MaxRetention : retention,
            int.MaxValue);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["MessageRetentionPeriod"] = seconds.ToString(CultureInfo.InvariantCulture),
        };
        if (!dead && SqsNames.IsFifo(queue))
        {
            // Deduplication ids come from the engine (the key, or the job and its counters), never from the body.
            attributes["FifoQueue"] = "true";
            attributes["ContentBasedDeduplication"] = "false";
        }

        var created = await CallAsync(() => _client.CreateQueueAsync(new CreateQueueRequest { QueueName = name, Attributes = attributes }, ct), ct);
        _queueUrls[name] = created.QueueUrl;
        return created.QueueUrl;
    }

    /// <summary>The queue's SQS URL, or null when SQS has no such queue.</summary>
    private async Task<string?> ExistingQueueUrlAsync(string queue, bool dead, CancellationToken ct)
    {
        var name = dead ? SqsNames.Dead(_url.Prefix, queue) : SqsNames.Main(_url.Prefix, queue);
        if (_queueUrls.TryGetValue(name, out var known))
        {
            return known;
        }

        try
        {
            var response = await CallAsync(() => _client.GetQueueUrlAsync(new GetQueueUrlRequest { QueueName = name }, ct), ct);
            _queueUrls[name] = response.QueueUrl;
            return response.QueueUrl;
        }
        catch (QueueDoesNotExistException)
        {
            return null;
        }
    }

    /// <summary>
    /// One SQS call. Errors that mean "not reachable now" (no connection, a time-out, a 5xx) become
    /// <see cref="QueueUnavailableException"/>; a refused key becomes a <see cref="QueueException"/>; the rest pass.
    /// </summary>
    private async Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await call();
        }
        catch (AmazonServiceException e) when (e.StatusCode >= HttpStatusCode.InternalServerError || e.InnerException is HttpRequestException or SocketException)
        {
            throw new QueueUnavailableException($"SQS at {_url.Endpoint} cannot be reached: {e.Message}", e);
        }
        catch (AmazonServiceException e) when (e.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            throw new QueueException($"SQS at {_url.Endpoint} refused the credentials: {e.Message}", e);
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or AmazonClientException ||
                                  (e is TaskCanceledException or TimeoutException && !ct.IsCancellationRequested))
        {
            throw new QueueUnavailableException($"SQS at {_url.Endpoint} cannot be reached: {e.Message}", e);
        }
    }
}
