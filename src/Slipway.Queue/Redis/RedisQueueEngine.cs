using Slipway.Queue.Internal;
using StackExchange.Redis;

namespace Slipway.Queue.Redis;

/// <summary>
/// The Redis engine: jobs as hashes, sorted sets as the per-state indexes, and every change as one Lua script (atomic
/// on the server), with the same semantics as the SQL engines: leases with heartbeats, the (id, attempt) fence,
/// priorities, delays, idempotency keys, retries and the dead-letter list. Not streams with consumer groups: a
/// stream has no priorities, no delayed entries and no per-entry fencing (XCLAIM hands an entry over without telling
/// the old consumer), so each of those would be a second structure beside it anyway. Idle workers wake through
/// pub/sub (PUBLISH from the enqueue script).
/// </summary>
internal sealed partial class RedisQueueEngine : IQueueEngine
{
    private readonly RedisUrl _url;
    private readonly QueueEngineOptions _options;
    private readonly TimeProvider _time;
    private readonly QueueSignals _signals = new();
    private ConnectionMultiplexer? _redis;
    private long _lastPruneMs = long.MinValue;

    public RedisQueueEngine(RedisUrl url, QueueEngineOptions options, TimeProvider time)
    {
        _url = url;
        _options = options;
        _time = time;
    }

    public string Kind => "redis";

    /// <summary>The key base, "{prefix}:" (tests and docs name keys by it).</summary>
    public string KeyBase => _url.KeyBase;

    private IDatabase Db => (_redis ?? throw new InvalidOperationException("call InitializeAsync first")).GetDatabase();

    private RedisChannel ReadyChannel => RedisChannel.Literal(_url.KeyBase + "ready");

    public async Task InitializeAsync(CancellationToken ct)
    {
        if (_redis is not null)
        {
            return;
        }

        var redis = await ConnectionMultiplexer.ConnectAsync(_url.Options.Clone()).WaitAsync(ct);
        try
        {
            _redis = redis;
            // A first round trip: a wrong port or password fails here (exit 3 in the CLI), not at the first enqueue.
            await CallAsync(Db.PingAsync(), ct);
            await CheckSchemaAsync(ct);
            await LoadScriptsAsync(ct);
            // After a reconnect a wake-up may have been missed: everyone looks again.
            redis.ConnectionRestored += (_, _) => _signals.SignalAll();
            await redis.GetSubscriber().SubscribeAsync(ReadyChannel, (_, queue) =>
            {
                if (!queue.IsNullOrEmpty)
                {
                    _signals.Signal(queue!);
                }
            }).WaitAsync(ct);
        }
        catch
        {
            _redis = null;
            await redis.DisposeAsync();
            throw;
        }
    }

    /// <summary>Records the layout version on a new store (SET NX) and refuses a store a newer release has changed.</summary>
    private async Task CheckSchemaAsync(CancellationToken ct)
    {
        var key = _url.KeyBase + "schema";
        await CallAsync(Db.StringSetAsync(key, SchemaVersion.Current, when: When.NotExists), ct);
        var stored = (long)await CallAsync(Db.StringGetAsync(key), ct);
        if (stored > SchemaVersion.Current)
        {
            throw SchemaVersion.TooNew(stored);
        }
    }

    /// <summary>
    /// SCRIPT LOAD of every script, so StackExchange.Redis sends EVALSHA (the hash) instead of each script's text on
    /// every call. A restarted Redis has forgotten them: the client then falls back to EVAL by itself.
    /// </summary>
    private async Task LoadScriptsAsync(CancellationToken ct)
    {
        foreach (var endpoint in _redis!.GetEndPoints())
        {
            var server = _redis.GetServer(endpoint);
            foreach (var script in RedisScripts.All)
            {
                await CallAsync(server.ScriptLoadAsync(script), ct);
            }
        }
    }

    public Task WhenJobsMayBeReadyAsync(string queue) => _signals.NextAsync(queue);

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.CloseAsync(allowCommandsToComplete: true);
            _redis.Dispose();
            _redis = null;
        }
    }

    private long NowMs() => UnixMs.From(_time.GetUtcNow());

    private async Task<RedisResult> RunAsync(string script, List<RedisValue> args, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return await CallAsync(Db.ScriptEvaluateAsync(script, keys: null, values: [.. args]), ct);
    }

    /// <summary>Awaits a Redis call; a lost connection or a time-out becomes <see cref="QueueUnavailableException"/>.</summary>
    private async Task<T> CallAsync<T>(Task<T> call, CancellationToken ct)
    {
        try
        {
            return await call.WaitAsync(ct);
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
        {
            throw new QueueUnavailableException($"Redis at {_url.Endpoint} cannot be reached: {FirstClause(e.Message)}", e);
        }
    }

    /// <summary>StackExchange.Redis's messages go on with a page of diagnostics after " - ": the first clause says what happened.</summary>
    internal static string FirstClause(string message)
    {
        var end = message.IndexOf(" - ", StringComparison.Ordinal);
        var first = end > 0 ? message[..end] : message;
        return first.Length > 200 ? first[..200] + "…" : first;
    }

    private List<RedisValue> Args(params RedisValue[] first)
    {
        var args = new List<RedisValue>(first.Length + 1) { _url.KeyBase };
        args.AddRange(first);
        return args;
    }

    public async Task<EnqueueResult> EnqueueAsync(NewJob job, CancellationToken ct) => (await EnqueueManyAsync([job], ct))[0];

    public async Task<IReadOnlyList<EnqueueResult>> EnqueueManyAsync(IReadOnlyList<NewJob> jobs, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        foreach (var job in jobs)
        {
            QueueNames.Check(job.Queue);
            ArgumentNullException.ThrowIfNull(job.Payload);
        }

        if (jobs.Count == 0)
        {
            return [];
        }

        var now = NowMs();
        var args = Args(now, jobs.Count);
        var visibleAts = new long[jobs.Count];
        for (var i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            visibleAts[i] = job.RunAt is { } at ? UnixMs.From(at) : now + (long)job.Delay.TotalMilliseconds;
            args.Add(job.Queue);
            args.Add(job.Payload);
            args.Add(job.Priority);
            args.Add(visibleAts[i]);
            args.Add(job.MaxAttempts ?? _options.Retry.MaxAttempts);
            args.Add(job.IdempotencyKey is null ? "0" : "1");
            args.Add(job.IdempotencyKey ?? "");
        }

        // One script: the whole batch is stored or none of it, and keys hold within the batch (the first one wins).
        var reply = (RedisResult[])(await RunAsync(RedisScripts.Enqueue, args, ct))!;
        var results = new EnqueueResult[jobs.Count];
        for (var i = 0; i < jobs.Count; i++)
        {
            results[i] = new EnqueueResult((long)reply[2 * i], (long)reply[(2 * i) + 1] == 1);
            if (results[i].Created && visibleAts[i] <= now)
            {
                _signals.Signal(jobs[i].Queue); // this process's waiters at once; other hosts by pub/sub
            }
        }

        return results;
    }
}
