namespace Slipway.Queue.Internal;

/// <summary>The admin reads and changes (stats, peek, replay, delete, purge) and retention.</summary>
internal abstract partial class SqlQueueEngine
{
    public async Task<IReadOnlyList<QueueStats>> StatsAsync(CancellationToken ct) => await ReadStatsAsync(null, ct);

    public async Task<QueueStats> StatsAsync(string queue, CancellationToken ct)
    {
        QueueNames.Check(queue);
        var stats = await ReadStatsAsync(queue, ct);
        return stats.Count == 1 ? stats[0] : new QueueStats(queue, 0, 0, 0, 0, 0, null);
    }

    /// <summary>The queues with jobs (or only <paramref name="queue"/>), by name. Here: counted over the jobs table.</summary>
    protected virtual async Task<IReadOnlyList<QueueStats>> ReadStatsAsync(string? queue, CancellationToken ct)
    {
        var now = NowMs();
        var stats = new List<QueueStats>();
        await using var session = await BeginAsync(ct);
        await using var command = session.Command(
            $"""
            SELECT queue,
              count(*) FILTER (WHERE state = 0 AND visible_at <= @now),
              count(*) FILTER (WHERE state = 0 AND visible_at > @now),
              count(*) FILTER (WHERE state = 1),
              count(*) FILTER (WHERE state = 2),
              count(*) FILTER (WHERE state = 3),
              min(visible_at) FILTER (WHERE state = 0 AND visible_at <= @now)
            FROM slipway_jobs {(queue is null ? "" : "WHERE queue = @queue")}
            GROUP BY queue ORDER BY queue
            """).With("now", now);
        if (queue is not null)
        {
            command.With("queue", queue);
        }

        await using (var r = await command.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var oldest = r.NullableInt64(6);
                stats.Add(new QueueStats(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5),
                    oldest is { } at ? TimeSpan.FromMilliseconds(now - at) : null));
            }
        }

        await session.CommitAsync(ct);
        return stats;
    }

    public async Task<IReadOnlyList<JobInfo>> PeekAsync(JobQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        QueueNames.Check(query.Queue);
        var state = query.OnlyRetrying ? JobState.Ready : query.State;
        var jobs = new List<JobInfo>();
        await using var session = await BeginAsync(ct);
        await using var command = session.Command(
            $"""
            SELECT {Columns} FROM slipway_jobs WHERE queue = @queue AND id > @after{(state is null ? "" : " AND state = @state")}{(query.OnlyRetrying ? " AND attempt > attempt_base" : "")}
            ORDER BY id LIMIT @limit
            """).With("queue", query.Queue).With("after", query.AfterId).With("limit", (long)Math.Max(0, query.Limit));
        if (state is { } only)
        {
            command.With("state", (long)only);
        }

        await using (var r = await command.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                jobs.Add(ReadJob(r));
            }
        }

        await session.CommitAsync(ct);
        return jobs;
    }

    public async Task<JobInfo?> GetAsync(long jobId, CancellationToken ct)
    {
        await using var session = await BeginAsync(ct);
        await using var command = session.Command($"SELECT {Columns} FROM slipway_jobs WHERE id = @id").With("id", jobId);
        JobInfo? job = null;
        await using (var r = await command.ExecuteReaderAsync(ct))
        {
            if (await r.ReadAsync(ct))
            {
                job = ReadJob(r);
            }
        }

        await session.CommitAsync(ct);
        return job;
    }

    public async Task<int> ReplayAsync(string queue, IReadOnlyList<long>? jobIds, CancellationToken ct)
    {
        QueueNames.Check(queue);
        if (jobIds is { Count: 0 })
        {
            return 0;
        }

        int replayed;
        await using (var session = await BeginAsync(ct))
        {
            await using var command = session.Command("");
            var only = jobIds is null ? "" : $" AND id IN ({command.InList("j", jobIds)})";
            command.CommandText =
                $"UPDATE slipway_jobs SET state = 0, visible_at = @now, attempt_base = attempt, finished_at = NULL " +
                $"WHERE queue = @queue AND state = 3{only}";
            command.With("now", NowMs()).With("queue", queue);
            replayed = await command.ExecuteNonQueryAsync(ct);
            if (replayed > 0)
            {
                await AnnounceInTransactionAsync(session, [queue], ct);
            }

            await session.CommitAsync(ct);
        }

        if (replayed > 0)
        {
            AnnounceCommitted([queue]);
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

        await using var session = await BeginAsync(ct);
        await using var command = session.Command("");
        command.CommandText = $"DELETE FROM slipway_jobs WHERE queue = @queue AND id IN ({command.InList("j", jobIds)})";
        command.With("queue", queue);
        var deleted = await command.ExecuteNonQueryAsync(ct);
        await session.CommitAsync(ct);
        return deleted;
    }

    public async Task<int> PurgeAsync(string queue, JobState? state, CancellationToken ct)
    {
        QueueNames.Check(queue);
        await using var session = await BeginAsync(ct);
        await using var command = session.Command(
            $"DELETE FROM slipway_jobs WHERE queue = @queue{(state is null ? "" : " AND state = @state")}").With("queue", queue);
        if (state is { } only)
        {
            command.With("state", (long)only);
        }

        var deleted = await command.ExecuteNonQueryAsync(ct);
        await session.CommitAsync(ct);
        return deleted;
    }

    public async Task<int> PruneAsync(CancellationToken ct)
    {
        var retention = Options.Retention;
        var now = NowMs();
        var removed = 0;
        await using var session = await BeginAsync(ct);
        foreach (var (state, age, cap) in new[]
                 {
                     (JobState.Succeeded, retention.Succeeded, retention.SucceededPerQueue),
                     (JobState.Dead, retention.Dead, retention.DeadPerQueue),
                 })
        {
            await using (var old = session.Command("DELETE FROM slipway_jobs WHERE state = @state AND finished_at < @before")
                .With("state", (long)state).With("before", now - (long)age.TotalMilliseconds))
            {
                removed += await old.ExecuteNonQueryAsync(ct);
            }

            await using var over = session.Command(
                """
                DELETE FROM slipway_jobs WHERE id IN (
                  SELECT id FROM (
                    SELECT id, row_number() OVER (PARTITION BY queue ORDER BY finished_at DESC, id DESC) AS n
                    FROM slipway_jobs WHERE state = @state) ranked
                  WHERE n > @cap)
                """).With("state", (long)state).With("cap", (long)cap);
            removed += await over.ExecuteNonQueryAsync(ct);
        }

        await session.CommitAsync(ct);
        Interlocked.Exchange(ref _lastPruneMs, now);
        return removed;
    }

    private async Task PruneIfDueAsync(CancellationToken ct)
    {
        var last = Interlocked.Read(ref _lastPruneMs);
        var now = NowMs();
        if (last != long.MinValue && now - last < (long)Options.Retention.PruneEvery.TotalMilliseconds)
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
