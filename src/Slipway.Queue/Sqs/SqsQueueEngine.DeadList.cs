using System.Globalization;
using Amazon.SQS.Model;

namespace Slipway.Queue.Sqs;

/// <summary>
/// Reading the dead-letter list. SQS reads a message only by receiving it, so a read receives the dead-letter queue
/// with a short visibility time-out (<see cref="ReadSeconds"/>), keeps what it wants (to list, to move back, to
/// delete) and makes the rest visible again at once (ChangeMessageVisibility 0). The dead-letter queue is never leased,
/// so a receive there spends no attempt. Limits, said in docs/queue.md: at most <see cref="MaxDeadRead"/> messages are
/// read per call; two reads at the same moment each see only what the other left visible; short polling on AWS may
/// miss a message on a server it did not sample; and a process killed mid-read leaves what it held hidden for
/// <see cref="ReadSeconds"/>.
/// </summary>
internal sealed partial class SqsQueueEngine
{
    /// <summary>The most dead messages one read receives (SQS hands out at most 10 per call: 100 round trips).</summary>
    internal const int MaxDeadRead = 1000;

    /// <summary>How long a read hides what it received; it gives back what it only read well before this.</summary>
    private const int ReadSeconds = 30;

    /// <summary>A dead message as read: its receipt, and the job it carries.</summary>
    private sealed record DeadMessage(string ReceiptHandle, Message Message, JobInfo Job);

    /// <summary>Dead jobs, oldest (lowest id) first, after <see cref="JobQuery.AfterId"/>; only <c>--state dead</c> can be listed.</summary>
    public async Task<IReadOnlyList<JobInfo>> PeekAsync(JobQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckQueue(query.Queue);
        if (query.State != JobState.Dead || query.OnlyRetrying)
        {
            throw new QueueException(
                "The sqs engine lists only the dead-letter list (peek --state dead): SQS reads waiting or running messages only by receiving them, "
                + "which would count as attempts. Use queue stats for the counts.");
        }

        return await ReadDeadAsync(query.Queue, _ => false, ct) is not { } read
            ? []
            : [.. read.Jobs.Where(j => j.Id > query.AfterId).OrderBy(j => j.Id).Take(Math.Max(0, query.Limit))];
    }

    /// <summary>A dead job by id, looked for in every dead-letter list of the prefix; null for any other job (SQS finds no message by id).</summary>
    public async Task<JobInfo?> GetAsync(long jobId, CancellationToken ct)
    {
        foreach (var queue in await QueueNamesAsync(dead: true, ct))
        {
            if (await ReadDeadAsync(queue, _ => false, ct) is { } read && read.Jobs.FirstOrDefault(j => j.Id == jobId) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>Deletes the dead jobs among <paramref name="jobIds"/>; jobs waiting or running cannot be found by id on SQS and are not counted.</summary>
    public async Task<int> DeleteAsync(string queue, IReadOnlyList<long> jobIds, CancellationToken ct)
    {
        CheckQueue(queue);
        ArgumentNullException.ThrowIfNull(jobIds);
        var wanted = jobIds.ToHashSet();
        if (wanted.Count == 0 || await ExistingQueueUrlAsync(queue, dead: true, ct) is not { } deadUrl
            || await ReadDeadAsync(queue, j => wanted.Contains(j.Id), ct) is not { Kept: var taken })
        {
            return 0;
        }

        foreach (var message in taken)
        {
            await DeleteAsync(deadUrl, message.ReceiptHandle, ct);
        }

        return taken.Count;
    }

    /// <summary>Chosen dead jobs back to the queue (<see cref="ReplayAsync"/> with ids).</summary>
    private async Task<int> ReplayChosenAsync(string queue, IReadOnlyList<long> jobIds, CancellationToken ct)
    {
        var wanted = jobIds.ToHashSet();
        if (wanted.Count == 0 || await ExistingQueueUrlAsync(queue, dead: true, ct) is not { } deadUrl
            || await ReadDeadAsync(queue, j => wanted.Contains(j.Id), ct) is not { Kept: var taken })
        {
            return 0;
        }

        var mainUrl = await QueueUrlAsync(queue, dead: false, ct);
        foreach (var chunk in taken.Chunk(10))
        {
            await SendBatchAsync(mainUrl, [.. chunk.Select(d => Replayed(d.Message))], ct);
            foreach (var message in chunk)
            {
                await DeleteAsync(deadUrl, message.ReceiptHandle, ct);
            }
        }

        if (taken.Count > 0)
        {
            _signals.Signal(queue);
        }

        return taken.Count;
    }

    /// <summary>
    /// Receives the queue's dead-letter list (at most <see cref="MaxDeadRead"/> messages) and makes visible again at once
    /// every message <paramref name="keep"/> does not want. Returns every job read, and the kept messages, still hidden
    /// for the caller to delete or move; null when the queue has no dead-letter list yet.
    /// </summary>
    private async Task<(IReadOnlyList<JobInfo> Jobs, List<DeadMessage> Kept)?> ReadDeadAsync(string queue, Func<JobInfo, bool> keep, CancellationToken ct)
    {
        if (await ExistingQueueUrlAsync(queue, dead: true, ct) is not { } deadUrl)
        {
            return null;
        }

        var read = new List<DeadMessage>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            while (read.Count < MaxDeadRead)
            {
                var response = await CallAsync(() => _client.ReceiveMessageAsync(new ReceiveMessageRequest
                {
                    QueueUrl = deadUrl,
                    MaxNumberOfMessages = Math.Min(10, MaxDeadRead - read.Count),
                    VisibilityTimeout = ReadSeconds,
                    WaitTimeSeconds = 0,
                    MessageSystemAttributeNames = ["SentTimestamp"],
                    MessageAttributeNames = ["All"],
                }, ct), ct);
                var fresh = (response.Messages ?? []).Where(m => seen.Add(m.MessageId)).ToList();
                if (fresh.Count == 0)
                {
                    break;
                }

                read.AddRange(fresh.Select(m => new DeadMessage(m.ReceiptHandle, m, DeadJob(queue, m))));
            }
        }
        finally
        {
            // Even when a call failed or was cancelled: what was only read goes back now, not after ReadSeconds.
            await ShowAgainAsync(deadUrl, [.. read.Where(d => !keep(d.Job)).Select(d => d.ReceiptHandle)]);
        }

        return ([.. read.Select(d => d.Job)], read.Where(d => keep(d.Job)).ToList());
    }

    /// <summary>Visibility 0 for the receipts, in batches; best effort (a failure leaves them hidden for <see cref="ReadSeconds"/>).</summary>
    private async Task ShowAgainAsync(string queueUrl, IReadOnlyList<string> receipts)
    {
        foreach (var chunk in receipts.Chunk(10))
        {
            try
            {
                await _client.ChangeMessageVisibilityBatchAsync(new ChangeMessageVisibilityBatchRequest
                {
                    QueueUrl = queueUrl,
                    Entries = [.. chunk.Select((r, i) => new ChangeMessageVisibilityBatchRequestEntry(i.ToString(CultureInfo.InvariantCulture), r) { VisibilityTimeout = 0 })],
                }, CancellationToken.None);
            }
            catch (Exception e) when (e is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or HttpRequestException or TaskCanceledException)
            {
                // They come back by themselves when ReadSeconds is over.
            }
        }
    }

    /// <summary>A dead message as the job it carries: its counters, last error and output from the attributes; finished when it was sent to the list.</summary>
    private JobInfo DeadJob(string queue, Message m)
    {
        var counters = ReadCounters(m.MessageAttributes);
        string? Attr(string name) => m.MessageAttributes is { } a && a.TryGetValue(name, out var v) ? v.StringValue : null;
        var attempt = int.TryParse(Attr(AttrAttempt), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : counters.AttemptBase;
        var sent = m.Attributes is { } system && system.TryGetValue("SentTimestamp", out var ms) &&
                   long.TryParse(ms, NumberStyles.Integer, CultureInfo.InvariantCulture, out var at)
            ? DateTimeOffset.FromUnixTimeMilliseconds(at)
            : _time.GetUtcNow();
        return new JobInfo(counters.JobId, queue, JobState.Dead, m.Body, 0, attempt, counters.SpentBase, counters.MaxAttempts,
            DateTimeOffset.FromUnixTimeMilliseconds(counters.CreatedAtMs), sent, sent, Attr(AttrKey), Attr(AttrLastError), Attr(AttrOutput));
    }

    /// <summary>A dead message sent back to its queue: visible at once, with all its attempts again (the fence keeps growing).</summary>
    private static (string Body, Dictionary<string, Amazon.SQS.Model.MessageAttributeValue> Attributes, int Delay) Replayed(Message m)
    {
        var dead = ReadCounters(m.MessageAttributes);
        var attempt = m.MessageAttributes is { } a && a.TryGetValue(AttrAttempt, out var v) &&
                      int.TryParse(v.StringValue, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? n
            : dead.AttemptBase;
        return (m.Body, Attributes(dead with { AttemptBase = attempt, SpentBase = 0, RunAtMs = null }), 0);
    }

    /// <summary>
    /// The Slipway queues that have an SQS queue under the prefix: their job queue (<paramref name="dead"/> false), their
    /// dead-letter list (true), or either (null).
    /// </summary>
    private async Task<SortedSet<string>> QueueNamesAsync(bool? dead, CancellationToken ct)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        string? next = null;
        do
        {
            var page = await CallAsync(() => _client.ListQueuesAsync(new ListQueuesRequest
            {
                QueueNamePrefix = _url.Prefix,
                MaxResults = 1000,
                NextToken = next,
            }, ct), ct);
            foreach (var queueUrl in page.QueueUrls ?? [])
            {
                var sqsName = queueUrl[(queueUrl.LastIndexOf('/') + 1)..];
                if (sqsName.StartsWith(_url.Prefix, StringComparison.Ordinal) && SqsNames.Decode(sqsName[_url.Prefix.Length..]) is { } decoded
                    && (dead is null || decoded.Dead == dead))
                {
                    names.Add(decoded.Queue);
                }
            }

            next = page.NextToken;
        }
        while (!string.IsNullOrEmpty(next));

        return names;
    }
}
