using Slipway.Queue.Internal;
using StackExchange.Redis;

namespace Slipway.Queue.Redis;

/// <summary>The admin reads and changes (stats, peek, replay, delete, purge) and retention.</summary>
internal sealed partial class RedisQueueEngine
{
    public async Task<IReadOnlyList<QueueStats>> StatsAsync(CancellationToken ct)
    {
        var names = await CallAsync(Db.SetMembersAsync(_url.KeyBase + "queues"), ct);
        var stats = new List<QueueStats>();
        foreach (var name in names.Select(n => (string)n!).Order(StringComparer.Ordinal))
        {
            var one = await ReadStatsAsync(name, ct);
            // A queue whose jobs are all gone is not listed (as a SQL GROUP BY would not list it).
            if (one is not { Ready: 0, Scheduled: 0, Running: 0, Succeeded: 0, Dead: 0 })
            {
                stats.Add(one);
            }
        }

        return stats;
    }

    public Task<QueueStats> StatsAsync(string queue, CancellationToken ct)
    {
        QueueNames.Check(queue);
        return ReadStatsAsync(queue, ct);
    }

    private async Task<QueueStats> ReadStatsAsync(string queue, CancellationToken ct)
    {
        var now = NowMs();
        var r = (RedisResult[])(await RunAsync(RedisScripts.Stats, Args(queue, now), ct))!;
        var oldest = (long)r[5];
        return new QueueStats(queue, (long)r[0], (long)r[1], (long)r[2], (long)r[3], (long)r[4],
            oldest < 0 ? null : TimeSpan.FromMilliseconds(now - oldest));
    }

    public async Task<IReadOnlyList<JobInfo>> PeekAsync(JobQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        QueueNames.Check(query.Queue);
        if (query.Limit <= 0)
        {
            return [];
        }

        var state = query.OnlyRetrying ? (long)JobState.Ready : query.State is { } s ? (long)s : -1;
        var r = (RedisResult[])(await RunAsync(RedisScripts.Peek, Args(query.Queue, query.AfterId, query.Limit, state, query.OnlyRetrying ? 1 : 0), ct))!;
        var width = 1 + RedisScripts.JobFields.Length;
        var jobs = new List<JobInfo>(r.Length / width);
        for (var i = 0; i + width - 1 < r.Length; i += width)
        {
            jobs.Add(ReadJob((long)r[i], [.. r.Skip(i + 1).Take(width - 1).Select(v => (RedisValue)v)]));
        }

        return jobs;
    }

    public async Task<JobInfo?> GetAsync(long jobId, CancellationToken ct)
    {
        var fields = await CallAsync(Db.HashGetAsync(_url.KeyBase + "job:" + jobId, [.. RedisScripts.JobFields.Select(f => (RedisValue)f)]), ct);
        return fields[0].IsNull ? null : ReadJob(jobId, fields);
    }

    /// <summary>A job from its hash fields, in <see cref="RedisScripts.JobFields"/> order.</summary>
    private static JobInfo ReadJob(long id, RedisValue[] f)
    {
        var attempt = (int)f[4];
        return new JobInfo(
            id,
            f[0]!,
            (JobState)(int)f[1],
            f[2]!,
            (int)f[3],
            attempt,
            attempt - (int)f[5],
            (int)f[6],
            UnixMs.To((long)f[7]),
            UnixMs.To((long)f[8]),
            f[9].IsNull ? null : UnixMs.To((long)f[9]),
            f[10].IsNull ? null : (string?)f[10],
            f[11].IsNull ? null : (string?)f[11],
            f[12].IsNull ? null : (string?)f[12]);
    }

    public async Task<int> ReplayAsync(string queue, IReadOnlyList<long>? jobIds, CancellationToken ct)
    {
        QueueNames.Check(queue);
        if (jobIds is { Count: 0 })
        {
            return 0;
        }

        var args = Args(queue, NowMs(), jobIds?.Count ?? -1);
        args.AddRange((jobIds ?? []).Select(id => (RedisValue)id));
        var replayed = (int)(long)await RunAsync(RedisScripts.Replay, args, ct);
        if (replayed > 0)
        {
            _signals.Signal(queue);
        }

        return replayed;
    }

    public async Task<int> DeleteAsync(string queue, IReadOnlyList<long> jobIds, CancellationToken ct)
    {
        QueueNames.Check(queue);
        ArgumentNullException.ThrowIfNull(jobIds);
        if (jobIds.Count == 0)
        {
            return 0;
        }

        var args = Args(queue);
        args.AddRange(jobIds.Select(id => (RedisValue)id));
        return (int)(long)await RunAsync(RedisScripts.Delete, args, ct);
    }

    public async Task<int> PurgeAsync(string queue, JobState? state, CancellationToken ct)
    {
        QueueNames.Check(queue);
        return (int)(long)await RunAsync(RedisScripts.Purge, Args(queue, state is { } s ? (long)s : -1), ct);
    }

    public async Task<int> PruneAsync(CancellationToken ct)
    {
        var retention = _options.Retention;
        var now = NowMs();
        var removed = (int)(long)await RunAsync(RedisScripts.Prune, Args(now, (long)retention.Succeeded.TotalMilliseconds,
            retention.SucceededPerQueue, (long)retention.Dead.TotalMilliseconds, retention.DeadPerQueue), ct);
        Interlocked.Exchange(ref _lastPruneMs, now);
        return removed;
    }

    private async Task PruneIfDueAsync(CancellationToken ct)
    {
        var last = Interlocked.Read(ref _lastPruneMs);
        var now = NowMs();
        if (last != long.MinValue && now - last < (long)_options.Retention.PruneEvery.TotalMilliseconds)
        {
            return;
        }

        // Claimed before the work, so concurrent leases in this process do not all prune at once.
        if (Interlocked.CompareExchange(ref _lastPruneMs, now, last) == last)
        {
            await PruneAsync(ct);
        }
    }
}
