using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Slipway.Queue.Internal;

namespace Slipway.Queue.Sqs;

/// <summary>
/// The Amazon SQS engine: each Slipway queue is a standard SQS queue (and a second one for its dead-letter list), each
/// job one message whose attributes carry the job's id and attempt counters. A lease is a receive with the lease as
/// visibility time-out; a heartbeat is ChangeMessageVisibility, so nothing depends on the queue's own visibility
/// time-out. The fence is SQS's receipt handle: only the latest receipt of a message can change its visibility, and
/// every complete, fail and give-back first changes it (a refusal means another worker received the job since) before
/// deleting or moving the message. The handles live in this engine's memory, keyed by (job id, attempt), so a lease
/// is finished through the engine that took it (the worker's, or the <c>queue serve</c> process's).
/// What SQS cannot do is refused with a <see cref="QueueException"/> saying so (priorities, idempotency keys,
/// concurrency limits, peek, get and delete by id); docs/queue.md lists it.
/// </summary>
internal sealed partial class SqsQueueEngine : IQueueEngine
{
    /// <summary>SQS's longest DelaySeconds; a later job is re-sent with what remains when this runs out.</summary>
    internal const int MaxDelaySeconds = 900;

    /// <summary>SQS's longest visibility time-out (a lease, or a retry's backoff, is capped to it).</summary>
    internal const int MaxVisibilitySeconds = 43_200;

    /// <summary>How long a fence call hides a message while the engine deletes or moves it.</summary>
    private const int FenceSeconds = 60;

    private const string AttrJobId = "job_id";
    private const string AttrMaxAttempts = "max_attempts";
    private const string AttrAttemptBase = "attempt_base";
    private const string AttrSpentBase = "spent_base";
    private const string AttrCreatedAt = "created_at";
    private const string AttrRunAt = "run_at";
    private const string AttrLastError = "last_error";
    private const string AttrOutput = "output";
    private const string AttrAttempt = "attempt";
    private const string AttrKey = "idempotency_key";

    private readonly SqsUrl _url;
    private readonly QueueEngineOptions _options;
    private readonly TimeProvider _time;
    private readonly QueueSignals _signals = new();
    private readonly ConcurrentDictionary<string, string> _queueUrls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<JobLease, Held> _held = new();
    private readonly AmazonSQSClient _client;
    private long _idSequence = Random.Shared.Next(0, 1 << 22);

    public SqsQueueEngine(SqsUrl url, QueueEngineOptions options, TimeProvider time)
    {
        _url = url;
        _options = options;
        _time = time;
        if (options.ConcurrencyLimits.Count > 0)
        {
            throw new QueueException(
                $"The sqs engine cannot cap how many jobs run at once across hosts (queue.limits names {string.Join(", ", options.ConcurrencyLimits.Keys.Order(StringComparer.Ordinal))}): "
                + "SQS keeps no count of received messages per consumer group. Use the concurrency of each worker, or another engine.");
        }

        if (options.RateLimits.Count > 0)
        {
            // A rate across hosts needs one shared number updated with each receive; SQS has none (a per-process pace
            // would let N hosts start N times the rate).
            throw new QueueException(
                $"The sqs engine cannot limit how many jobs start per period across hosts (queue.rates names {string.Join(", ", options.RateLimits.Keys.Order(StringComparer.Ordinal))}): "
                + "SQS keeps no shared state a receive could update. Use another engine, or pace inside the job.");
        }

        var config = new AmazonSQSConfig
        {
            ServiceURL = url.Endpoint,
            AuthenticationRegion = url.Region,
            MaxErrorRetry = 2,
            Timeout = TimeSpan.FromSeconds(30),
        };
        _client = url.AccessKeyId is { } id && url.SecretAccessKey is { } secret
            ? new AmazonSQSClient(new BasicAWSCredentials(id, secret), config)
            : new AmazonSQSClient(config);
    }

    /// <summary>A message this engine received: where to reach it and what it said.</summary>
    private sealed record Held(string Queue, string QueueUrl, string ReceiptHandle, string Payload, MessageCounters Counters, int Attempt, int AttemptsUsed);

    /// <summary>The job's identity and counters, as the message attributes carry them.</summary>
    private sealed record MessageCounters(long JobId, int MaxAttempts, int AttemptBase, int SpentBase, long CreatedAtMs, long? RunAtMs);

    public string Kind => "sqs";

    public async Task InitializeAsync(CancellationToken ct) =>
        // A first round trip: a wrong endpoint or key fails here (exit 3 or 2 in the CLI), not at the first enqueue.
        await CallAsync(() => _client.ListQueuesAsync(new ListQueuesRequest { QueueNamePrefix = _url.Prefix, MaxResults = 1 }, ct), ct);

    public async Task<EnqueueResult> EnqueueAsync(NewJob job, CancellationToken ct) => (await EnqueueManyAsync([job], ct))[0];

    public async Task<IReadOnlyList<EnqueueResult>> EnqueueManyAsync(IReadOnlyList<NewJob> jobs, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        foreach (var job in jobs)
        {
            Validate(job);
        }

        var now = _time.GetUtcNow();
        var results = new EnqueueResult[jobs.Count];
        var prepared = jobs.Select((job, i) =>
        {
            var id = NextId(now);
            results[i] = new EnqueueResult(id, Created: true);
            var runAt = job.RunAt ?? now + job.Delay;
            var counters = new MessageCounters(id, job.MaxAttempts ?? _options.Retry.MaxAttempts, 0, 0, now.ToUnixTimeMilliseconds(),
                runAt > now ? runAt.ToUnixTimeMilliseconds() : null);
            return (job.Queue, job.Payload, Counters: counters, Key: job.IdempotencyKey);
        }).ToList();

        foreach (var group in prepared.GroupBy(p => p.Queue, StringComparer.Ordinal))
        {
            var queueUrl = await QueueUrlAsync(group.Key, dead: false, ct);
            foreach (var chunk in group.Chunk(10))
            {
                await SendBatchAsync(queueUrl, [.. chunk.Select(p => (p.Payload, WithKey(Attributes(p.Counters), p.Key), DelayOf(p.Counters, now)))], ct);
            }

            _signals.Signal(group.Key);
        }

        return results;
    }

    public async Task<IReadOnlyList<LeasedJob>> LeaseAsync(string queue, int max, TimeSpan lease, CancellationToken ct)
    {
        CheckQueue(queue);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var queueUrl = await QueueUrlAsync(queue, dead: false, ct);
        var visibility = Seconds(lease, MaxVisibilitySeconds);
        var leased = new List<LeasedJob>();
        while (leased.Count < max)
        {
            var want = Math.Min(10, max - leased.Count);
            var response = await CallAsync(() => _client.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = queueUrl,
                MaxNumberOfMessages = want,
                VisibilityTimeout = visibility,
                WaitTimeSeconds = 0,
                MessageSystemAttributeNames = ["ApproximateReceiveCount"],
                MessageAttributeNames = ["All"],
            }, ct), ct);
            var messages = response.Messages ?? [];
            var now = _time.GetUtcNow();
            foreach (var message in messages)
            {
                if (await TakeAsync(queue, queueUrl, message, now, ct) is { } held)
                {
                    _held[new JobLease(held.Counters.JobId, held.Attempt)] = held;
                    leased.Add(new LeasedJob(held.Counters.JobId, queue, held.Payload, 0, held.Attempt, held.AttemptsUsed,
                        held.Counters.MaxAttempts, now + TimeSpan.FromSeconds(visibility)));
                }
            }

            if (messages.Count < want)
            {
                break;
            }
        }

        return leased;
    }

    /// <summary>
    /// A received message as a job to hand out, or null when it is not one yet: a delayed job whose time has not come
    /// (re-sent with what remains of its delay), or a job whose last attempt's lease ran out (moved to the dead list).
    /// </summary>
    private async Task<Held?> TakeAsync(string queue, string queueUrl, Message message, DateTimeOffset now, CancellationToken ct)
    {
        var counters = ReadCounters(message.MessageAttributes);
        var received = message.Attributes is { } system && system.TryGetValue("ApproximateReceiveCount", out var count)
            ? int.Parse(count, CultureInfo.InvariantCulture)
            : 1;
        if (counters.RunAtMs is { } runAt && runAt > now.ToUnixTimeMilliseconds())
        {
            await SendBatchAsync(queueUrl, [(message.Body, Attributes(counters), DelayOf(counters, now))], ct);
            await DeleteAsync(queueUrl, message.ReceiptHandle, ct);
            return null;
        }

        var attempt = counters.AttemptBase + received;
        var used = counters.SpentBase + received;
        if (used > counters.MaxAttempts)
        {
            // The lease of its last attempt ran out (the worker died): bury it, as the other engines do.
            var lost = used - 1;
            await BuryAsync(queue, message.Body, counters, attempt - 1, lost,
                $"attempt {lost} of {counters.MaxAttempts}: lease expired (worker lost)", null, ct);
            await DeleteAsync(queueUrl, message.ReceiptHandle, ct);
            return null;
        }

        return new Held(queue, queueUrl, message.ReceiptHandle, message.Body, counters, attempt, used);
    }

    public async Task<IReadOnlyList<JobLease>> HeartbeatAsync(IReadOnlyList<JobLease> leases, TimeSpan lease, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(leases);
        return await FenceAsync(leases, Seconds(lease, MaxVisibilitySeconds), ct);
    }

    public async Task<bool> CompleteAsync(JobLease lease, string? output, CancellationToken ct) =>
        (await CompleteManyAsync([new JobCompletion(lease, output)], ct)).Count == 1;

    public async Task<IReadOnlyList<JobLease>> CompleteManyAsync(IReadOnlyList<JobCompletion> completions, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(completions);

        // SQS keeps nothing of a finished message, so the output goes nowhere (the worker logs it).
        var held = await FenceAsync([.. completions.Select(c => c.Lease)], FenceSeconds, ct);
        var byQueue = held.Select(l => (Lease: l, Held: _held.TryRemove(l, out var h) ? h : null))
            .Where(p => p.Held is not null)
            .GroupBy(p => p.Held!.QueueUrl, StringComparer.Ordinal);
        foreach (var group in byQueue)
        {
            foreach (var chunk in group.Chunk(10))
            {
                await CallAsync(() => _client.DeleteMessageBatchAsync(new DeleteMessageBatchRequest
                {
                    QueueUrl = group.Key,
                    Entries = [.. chunk.Select((p, i) => new DeleteMessageBatchRequestEntry(i.ToString(CultureInfo.InvariantCulture), p.Held!.ReceiptHandle))],
                }, ct), ct);
            }
        }

        return held;
    }

    public async Task<FailResult> FailAsync(JobLease lease, JobFailure failure, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(failure);
        if (!_held.TryGetValue(lease, out var held))
        {
            return new FailResult(FailOutcome.Refused);
        }

        var now = _time.GetUtcNow();
        var plan = FailPlanner.Plan(held.AttemptsUsed, held.Counters.MaxAttempts, now, _options.Retry, _options.JitterSource());
        if (plan.Outcome == FailOutcome.Retrying)
        {
            // The backoff is the message's visibility: it comes back by itself, as the next attempt.
            var backoff = Seconds(plan.RetryAt!.Value - now, MaxVisibilitySeconds);
            if (!await ChangeVisibilityAsync(held, backoff, ct))
            {
                _held.TryRemove(lease, out _);
                return new FailResult(FailOutcome.Refused);
            }

            _held.TryRemove(lease, out _);
            return plan; // visible at the next whole second at or after RetryAt

        }

        if (!await ChangeVisibilityAsync(held, FenceSeconds, ct))
        {
            _held.TryRemove(lease, out _);
            return new FailResult(FailOutcome.Refused);
        }

        await BuryAsync(held.Queue, held.Payload, held.Counters, held.Attempt, held.AttemptsUsed, failure.Message, failure.Output, ct);
        await DeleteAsync(held.QueueUrl, held.ReceiptHandle, ct);
        _held.TryRemove(lease, out _);
        return new FailResult(FailOutcome.Dead);
    }

    public async Task<bool> GiveBackAsync(JobLease lease, CancellationToken ct)
    {
        if (!_held.TryRemove(lease, out var held) || !await ChangeVisibilityAsync(held, FenceSeconds, ct))
        {
            return false;
        }

        // A new message with the counters moved on: visible at once, this attempt not spent, the fence still grown.
        var counters = held.Counters with { AttemptBase = held.Attempt, SpentBase = held.AttemptsUsed - 1, RunAtMs = null };
        await SendBatchAsync(held.QueueUrl, [(held.Payload, Attributes(counters), 0)], ct);
        await DeleteAsync(held.QueueUrl, held.ReceiptHandle, ct);
        _signals.Signal(held.Queue);
        return true;
    }

    public Task WhenJobsMayBeReadyAsync(string queue) => _signals.NextAsync(queue);

    public Task<int> PruneAsync(CancellationToken ct) =>
        // SQS drops messages past the queues' MessageRetentionPeriod by itself (set when the engine creates them).
        Task.FromResult(0);

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>ChangeMessageVisibility of the leases this engine holds, in batches; returns those SQS accepted (the fence).</summary>
    private async Task<IReadOnlyList<JobLease>> FenceAsync(IReadOnlyList<JobLease> leases, int visibility, CancellationToken ct)
    {
        var mine = leases.Select(l => (Lease: l, Held: _held.TryGetValue(l, out var h) ? h : null)).Where(p => p.Held is not null).ToList();
        var accepted = new HashSet<JobLease>();
        foreach (var group in mine.GroupBy(p => p.Held!.QueueUrl, StringComparer.Ordinal))
        {
            foreach (var chunk in group.Chunk(10))
            {
                var response = await CallAsync(() => _client.ChangeMessageVisibilityBatchAsync(new ChangeMessageVisibilityBatchRequest
                {
                    QueueUrl = group.Key,
                    Entries = [.. chunk.Select((p, i) => new ChangeMessageVisibilityBatchRequestEntry(i.ToString(CultureInfo.InvariantCulture), p.Held!.ReceiptHandle)
                    {
                        VisibilityTimeout = visibility,
                    })],
                }, ct), ct);
                foreach (var ok in response.Successful ?? [])
                {
                    accepted.Add(chunk[int.Parse(ok.Id, CultureInfo.InvariantCulture)].Lease);
                }
            }
        }

        foreach (var lease in leases.Where(l => !accepted.Contains(l)))
        {
            _held.TryRemove(lease, out _); // someone else holds it now: this engine never will again
        }

        return [.. leases.Where(accepted.Contains)];
    }

    private async Task<bool> ChangeVisibilityAsync(Held held, int seconds, CancellationToken ct)
    {
        try
        {
            await CallAsync(() => _client.ChangeMessageVisibilityAsync(new ChangeMessageVisibilityRequest
            {
                QueueUrl = held.QueueUrl,
                ReceiptHandle = held.ReceiptHandle,
                VisibilityTimeout = seconds,
            }, ct), ct);
            return true;
        }
        catch (AmazonSQSException e) when (e.StatusCode is >= HttpStatusCode.BadRequest and < HttpStatusCode.InternalServerError)
        {
            // MessageNotInflight / ReceiptHandleIsInvalid: the message was received again (or deleted) since.
            return false;
        }
    }

    /// <summary>Sends the job to the queue's dead-letter list with its last error and output.</summary>
    private async Task BuryAsync(string queue, string payload, MessageCounters counters, int attempt, int attemptsUsed, string error,
        string? output, CancellationToken ct)
    {
        var attributes = Attributes(counters with { RunAtMs = null });
        attributes[AttrAttempt] = Number(attempt);
        attributes[AttrSpentBase] = Number(attemptsUsed);
        attributes[AttrLastError] = Text(TextLimit.Tail(error, _options.OutputLimit)!);
        if (TextLimit.Tail(output, _options.OutputLimit) is { Length: > 0 } kept)
        {
            attributes[AttrOutput] = Text(kept);
        }

        await SendBatchAsync(await QueueUrlAsync(queue, dead: true, ct), [(payload, attributes, 0)], ct);
    }

    private async Task DeleteAsync(string queueUrl, string receiptHandle, CancellationToken ct) =>
        await CallAsync(() => _client.DeleteMessageAsync(new DeleteMessageRequest(queueUrl, receiptHandle), ct), ct);

    private async Task SendBatchAsync(string queueUrl, List<(string Body, Dictionary<string, MessageAttributeValue> Attributes, int Delay)> messages,
        CancellationToken ct)
    {
        var response = await CallAsync(() => _client.SendMessageBatchAsync(new SendMessageBatchRequest
        {
            QueueUrl = queueUrl,
            Entries = [.. messages.Select((m, i) => Fifo.Entry(queueUrl, i.ToString(CultureInfo.InvariantCulture), m.Body, m.Attributes, m.Delay))],
        }, ct), ct);
        if (response.Failed is { Count: > 0 } failed)
        {
            throw new QueueException(
                $"SQS refused {failed.Count} of {messages.Count} messages: {string.Join("; ", failed.Select(f => $"{f.Code}: {f.Message}").Distinct())}");
        }
    }

    private void Validate(NewJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        CheckQueue(job.Queue);
        if (job.Priority != 0)
        {
            throw new QueueException(
                $"The sqs engine has no priorities (an SQS queue hands messages out in no set order): job priority {job.Priority} in queue '{job.Queue}'. Use a queue of its own for urgent jobs.");
        }

        if (SqsNames.IsFifo(job.Queue))
        {
            if (job.Delay > TimeSpan.Zero || job.RunAt is not null)
            {
                throw new QueueException(
                    $"The sqs engine cannot delay a job in the FIFO queue '{job.Queue}': SQS FIFO queues take no delay per message. Use a standard queue (a name without .fifo) for delayed jobs.");
            }
        }
        else if (job.IdempotencyKey is not null)
        {
            throw new QueueException(
                $"The sqs engine has idempotency keys only on FIFO queues (a name ending in .fifo), and only for SQS's 5 minutes: key '{job.IdempotencyKey}' in queue '{job.Queue}'.");
        }

        if (job.Payload.Length == 0)
        {
            throw new QueueException("The sqs engine cannot store an empty payload (SQS needs a message body); send {} or \"\".");
        }
    }

    private void CheckQueue(string queue)
    {
        if (!QueueNames.IsValid(queue))
        {
            throw new ArgumentException($"Invalid queue name '{queue}': {QueueName.Rule}.", nameof(queue));
        }

        SqsNames.Main(_url.Prefix, queue);
    }

    /// <summary>A time-ordered 63-bit id: milliseconds since 2020 above a 22-bit sequence that starts at random per engine.</summary>
    private long NextId(DateTimeOffset now)
    {
        var ms = Math.Max(0, now.ToUnixTimeMilliseconds() - 1_577_836_800_000L);
        return (ms << 22) | (Interlocked.Increment(ref _idSequence) & ((1 << 22) - 1));
    }

    private static int DelayOf(MessageCounters counters, DateTimeOffset now) =>
        counters.RunAtMs is { } runAt ? (int)Math.Clamp((runAt - now.ToUnixTimeMilliseconds() + 999) / 1000, 0, MaxDelaySeconds) : 0;

    /// <summary>Whole seconds, rounded up (SQS counts in seconds), within [0, max].</summary>
    internal static int Seconds(TimeSpan span, int max) => (int)Math.Clamp(Math.Ceiling(span.TotalSeconds), 0, max);

    private static Dictionary<string, MessageAttributeValue> Attributes(MessageCounters c)
    {
        var attributes = new Dictionary<string, MessageAttributeValue>(StringComparer.Ordinal)
        {
            [AttrJobId] = Number(c.JobId),
            [AttrMaxAttempts] = Number(c.MaxAttempts),
            [AttrAttemptBase] = Number(c.AttemptBase),
            [AttrSpentBase] = Number(c.SpentBase),
            [AttrCreatedAt] = Number(c.CreatedAtMs),
        };
        if (c.RunAtMs is { } runAt)
        {
            attributes[AttrRunAt] = Number(runAt);
        }

        return attributes;
    }

    private static MessageCounters ReadCounters(Dictionary<string, MessageAttributeValue>? attributes)
    {
        long Read(string name, long fallback) =>
            attributes is not null && attributes.TryGetValue(name, out var value) &&
            long.TryParse(value.StringValue, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : fallback;

        var runAt = Read(AttrRunAt, -1);
        return new MessageCounters(Read(AttrJobId, 0), (int)Read(AttrMaxAttempts, RetryPolicy.Default.MaxAttempts), (int)Read(AttrAttemptBase, 0),
            (int)Read(AttrSpentBase, 0), Read(AttrCreatedAt, 0), runAt < 0 ? null : runAt);
    }

    /// <summary>The job's idempotency key as an attribute (FIFO queues only: the first send's deduplication id is made from it).</summary>
    private static Dictionary<string, MessageAttributeValue> WithKey(Dictionary<string, MessageAttributeValue> attributes, string? key)
    {
        if (key is not null)
        {
            attributes[AttrKey] = Text(key);
        }

        return attributes;
    }

    private static MessageAttributeValue Number(long value) => new() { DataType = "Number", StringValue = value.ToString(CultureInfo.InvariantCulture) };

    /// <summary>A string attribute; characters SQS refuses (most control characters) become U+FFFD.</summary>
    private static MessageAttributeValue Text(string value) => new() { DataType = "String", StringValue = SqsText.Clean(value) };
}
