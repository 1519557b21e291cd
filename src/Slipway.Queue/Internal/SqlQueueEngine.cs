using System.Data.Common;

namespace Slipway.Queue.Internal;

/// <summary>
/// The engines that keep jobs in one SQL table (SQLite, PostgreSQL): the same statements, with the dialect's few
/// differences as hooks. One row per job; <c>visible_at</c> is when a ready job may be leased and when a running job's
/// lease runs out, so "leasable" is one indexed condition for both (the way SQS's visibility time-out works).
/// <c>attempt</c> only grows (the fence); <c>attempt - attempt_base</c> is what counts against <c>max_attempts</c>.
/// </summary>
internal abstract partial class SqlQueueEngine(QueueEngineOptions options, TimeProvider time) : IQueueEngine
{
    protected const string Columns =
        "id, queue, state, payload, priority, attempt, attempt - attempt_base, max_attempts, created_at, visible_at, finished_at, " +
        "idempotency_key, last_error, output";

    private long _lastPruneMs = long.MinValue;

    protected QueueEngineOptions Options => options;

    protected TimeProvider Time => time;

    protected QueueSignals Signals { get; } = new();

    public abstract string Kind { get; }

    /// <summary>Appended to the lease's inner SELECT (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite has one writer).</summary>
    protected abstract string PickSuffix { get; }

    /// <summary>Appended to the SELECT that reads a row before changing it (PostgreSQL: FOR UPDATE).</summary>
    protected abstract string LockRowSuffix { get; }

    public abstract Task InitializeAsync(CancellationToken ct);

    /// <summary>A write transaction (SQLite: the single writer's; PostgreSQL: a pooled connection's).</summary>
    protected abstract Task<SqlSession> BeginAsync(CancellationToken ct);

    /// <summary>Serialises leases of one queue whose concurrency or rate is limited, inside the lease's transaction.</summary>
    protected virtual Task LockQueueAsync(SqlSession session, string queue, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Called inside the transaction that made jobs of these queues ready now (PostgreSQL: NOTIFY).</summary>
    protected virtual Task AnnounceInTransactionAsync(SqlSession session, IReadOnlyCollection<string> queues, CancellationToken ct) =>
        Task.CompletedTask;

    /// <summary>Called after that transaction committed (SQLite: wakes this process's waiters).</summary>
    protected virtual void AnnounceCommitted(IReadOnlyCollection<string> queues)
    {
    }

    public virtual Task WhenJobsMayBeReadyAsync(string queue) => Signals.NextAsync(queue);

    public abstract ValueTask DisposeAsync();

    protected long NowMs() => UnixMs.From(time.GetUtcNow());

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
        var results = new EnqueueResult[jobs.Count];
        var readyNow = new HashSet<string>(StringComparer.Ordinal);
        await using (var session = await BeginAsync(ct))
        {
            await using var insert = session.Command(
                """
                INSERT INTO slipway_jobs (queue, state, priority, payload, attempt, attempt_base, max_attempts, visible_at, created_at,
                  idempotency_key)
                VALUES (@queue, 0, @priority, @payload, 0, 0, @max_attempts, @visible_at, @now, @key)
                ON CONFLICT (queue, idempotency_key) DO NOTHING
                RETURNING id
                """).With("queue", "").With("priority", 0L).With("payload", "").With("max_attempts", 0L).With("visible_at", 0L)
                .With("now", now).With("key", null);
            // PostgreSQL: all the inserts in one round trip; SQLite (no network, no batches): one prepared statement reused.
            await using var batch = session.Connection.CanCreateBatch ? session.Connection.CreateBatch() : null;
            var visibleAts = new long[jobs.Count];
            for (var i = 0; i < jobs.Count; i++)
            {
                var job = jobs[i];
                visibleAts[i] = job.RunAt is { } at ? UnixMs.From(at) : now + (long)job.Delay.TotalMilliseconds;
                insert.Parameters[0].Value = job.Queue;
                insert.Parameters[1].Value = (long)job.Priority;
                insert.Parameters[2].Value = job.Payload;
                insert.Parameters[3].Value = (long)(job.MaxAttempts ?? options.Retry.MaxAttempts);
                insert.Parameters[4].Value = visibleAts[i];
                insert.Parameters[6].Value = (object?)job.IdempotencyKey ?? DBNull.Value;
                if (batch is null)
                {
                    results[i] = await InsertOneAsync(session, insert, job, ct);
                }
                else
                {
                    batch.AddCopyOf(insert);
                }
            }

            if (batch is not null)
            {
                batch.Transaction = session.Transaction;
                await InsertBatchAsync(session, batch, jobs, results, ct);
            }

            for (var i = 0; i < jobs.Count; i++)
            {
                if (results[i].Created && visibleAts[i] <= now)
                {
                    readyNow.Add(jobs[i].Queue);
                }
            }

            if (readyNow.Count > 0)
            {
                await AnnounceInTransactionAsync(session, readyNow, ct);
            }

            await session.CommitAsync(ct);
        }

        if (readyNow.Count > 0)
        {
            AnnounceCommitted(readyNow);
        }

        return results;
    }

    private static async Task InsertBatchAsync(
        SqlSession session, DbBatch batch, IReadOnlyList<NewJob> jobs, EnqueueResult[] results, CancellationToken ct)
    {
        var taken = new List<int>();
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            for (var i = 0; i < jobs.Count; i++)
            {
                if (await reader.ReadAsync(ct))
                {
                    results[i] = new EnqueueResult(reader.GetInt64(0), Created: true);
                }
                else
                {
                    taken.Add(i);
                }

                await reader.NextResultAsync(ct);
            }
        }

        foreach (var i in taken)
        {
            results[i] = await ExistingAsync(session, jobs[i], ct);
        }
    }

    private static async Task<EnqueueResult> InsertOneAsync(SqlSession session, DbCommand insert, NewJob job, CancellationToken ct)
    {
        if (await insert.ExecuteScalarAsync(ct) is { } id and not DBNull)
        {
            return new EnqueueResult(Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture), Created: true);
        }

        return await ExistingAsync(session, job, ct);
    }

    private static async Task<EnqueueResult> ExistingAsync(SqlSession session, NewJob job, CancellationToken ct)
    {
        // The key is taken: by a job stored earlier, or earlier in this batch. The conflicting row is committed or ours,
        // so this read finds it (PostgreSQL waited for the other transaction before DO NOTHING).
        await using var existing = session.Command("SELECT id FROM slipway_jobs WHERE queue = @queue AND idempotency_key = @key")
            .With("queue", job.Queue).With("key", job.IdempotencyKey);
        return await existing.ExecuteScalarAsync(ct) is { } found and not DBNull
            ? new EnqueueResult(Convert.ToInt64(found, System.Globalization.CultureInfo.InvariantCulture), Created: false)
            : throw new QueueException($"job with key '{job.IdempotencyKey}' in queue '{job.Queue}' was deleted while it was enqueued; retry");
    }

    protected static JobInfo ReadJob(DbDataReader r) => new(
        r.GetInt64(0),
        r.GetString(1),
        (JobState)r.GetInt64(2),
        r.GetString(3),
        (int)r.GetInt64(4),
        (int)r.GetInt64(5),
        (int)r.GetInt64(6),
        (int)r.GetInt64(7),
        UnixMs.To(r.GetInt64(8)),
        UnixMs.To(r.GetInt64(9)),
        r.NullableInt64(10) is { } finished ? UnixMs.To(finished) : null,
        r.NullableString(11),
        r.NullableString(12),
        r.NullableString(13));
}
