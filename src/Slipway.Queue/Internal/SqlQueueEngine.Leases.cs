using System.Data.Common;

namespace Slipway.Queue.Internal;

/// <summary>Leasing and the fenced changes that follow a lease.</summary>
internal abstract partial class SqlQueueEngine
{
    // Every statement below that changes a leased job matches "id AND attempt AND state = running": the fence.
    private const string Fence = "id = @id AND attempt = @attempt AND state = 1";

    public async Task<IReadOnlyList<LeasedJob>> LeaseAsync(string queue, int max, TimeSpan lease, CancellationToken ct)
    {
        QueueNames.Check(queue);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        await PruneIfDueAsync(ct);
        var now = NowMs();
        var until = now + (long)lease.TotalMilliseconds;
        var leased = new List<LeasedJob>();
        await using (var session = await BeginAsync(ct))
        {
            // A running job whose lease ran out on its last attempt is dead, not leased again.
            await using (var bury = session.Command(
                """
                UPDATE slipway_jobs SET state = 3, finished_at = @now, visible_at = @now,
                  last_error = 'attempt ' || (attempt - attempt_base) || ' of ' || max_attempts || ': lease expired (worker lost)'
                WHERE queue = @queue AND state = 1 AND visible_at <= @now AND attempt - attempt_base >= max_attempts
                """).With("queue", queue).With("now", now))
            {
                await bury.ExecuteNonQueryAsync(ct);
            }

            var rated = Options.RateLimits.TryGetValue(queue, out var rate);
            if (rated || Options.ConcurrencyLimits.ContainsKey(queue))
            {
                // Limited leases of one queue take turns (PostgreSQL; SQLite has one writer): a count or a bucket read
                // here stays true until this transaction commits.
                await LockQueueAsync(session, queue, ct);
            }

            var allowed = await AllowedByLimitAsync(session, queue, max, now, ct);
            double? fullAt = null;
            if (rated && allowed > 0)
            {
                fullAt = await ReadBucketAsync(session, queue, ct);
                allowed = RateGate.Allowed(rate, fullAt, now, allowed);
            }

            if (allowed > 0)
            {
                await using var pick = session.Command(
                    $"""
                    UPDATE slipway_jobs SET state = 1, attempt = attempt + 1, visible_at = @until,
                      last_error = CASE WHEN state = 1
                        THEN 'attempt ' || (attempt - attempt_base) || ': lease expired (worker lost)' ELSE last_error END
                    WHERE id IN (
                      SELECT id FROM slipway_jobs WHERE queue = @queue AND state IN (0, 1) AND visible_at <= @now
                      ORDER BY priority DESC, visible_at, id LIMIT @max{PickSuffix})
                    RETURNING id, payload, priority, attempt, attempt - attempt_base, max_attempts
                    """).With("queue", queue).With("now", now).With("until", until).With("max", (long)allowed);
                await using var reader = await pick.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    leased.Add(new LeasedJob(reader.GetInt64(0), queue, reader.GetString(1), (int)reader.GetInt64(2),
                        (int)reader.GetInt64(3), (int)reader.GetInt64(4), (int)reader.GetInt64(5), UnixMs.To(until)));
                }
            }

            if (rated && leased.Count > 0)
            {
                await using var spend = session.Command(
                    """
                    INSERT INTO slipway_rates (queue, full_at) VALUES (@queue, @full_at)
                    ON CONFLICT (queue) DO UPDATE SET full_at = excluded.full_at
                    """).With("queue", queue).With("full_at", RateGate.After(rate, fullAt, now, leased.Count));
                await spend.ExecuteNonQueryAsync(ct);
            }

            await session.CommitAsync(ct);
        }

        // RETURNING's order is not the pick's order.
        leased.Sort(static (a, b) => a.Priority != b.Priority ? b.Priority.CompareTo(a.Priority) : a.Id.CompareTo(b.Id));
        return leased;
    }

    private async Task<int> AllowedByLimitAsync(SqlSession session, string queue, int max, long now, CancellationToken ct)
    {
        if (!Options.ConcurrencyLimits.TryGetValue(queue, out var limit))
        {
            return max;
        }

        await using var count = session.Command("SELECT count(*) FROM slipway_jobs WHERE queue = @queue AND state = 1 AND visible_at > @now")
            .With("queue", queue).With("now", now);
        var running = Convert.ToInt64(await count.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        return (int)Math.Clamp(limit - running, 0, max);
    }

    /// <summary>The queue's rate bucket (<see cref="RateGate"/>): when it is full again; null when no lease has used it.</summary>
    private static async Task<double?> ReadBucketAsync(SqlSession session, string queue, CancellationToken ct)
    {
        await using var read = session.Command("SELECT full_at FROM slipway_rates WHERE queue = @queue").With("queue", queue);
        return await read.ExecuteScalarAsync(ct) is { } value and not DBNull
            ? Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)
            : null;
    }

    public async Task<IReadOnlyList<JobLease>> HeartbeatAsync(IReadOnlyList<JobLease> leases, TimeSpan lease, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(leases);
        var until = NowMs() + (long)lease.TotalMilliseconds;
        return await ForEachFencedAsync(leases, $"UPDATE slipway_jobs SET visible_at = @until WHERE {Fence}",
            command => command.With("until", until), null, ct);
    }

    public async Task<bool> CompleteAsync(JobLease lease, string? output, CancellationToken ct) =>
        (await CompleteManyAsync([new JobCompletion(lease, output)], ct)).Count == 1;

    public async Task<IReadOnlyList<JobLease>> CompleteManyAsync(IReadOnlyList<JobCompletion> completions, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(completions);
        var now = NowMs();
        return await ForEachFencedAsync([.. completions.Select(c => c.Lease)],
            $"UPDATE slipway_jobs SET state = 2, finished_at = @now, visible_at = @now, output = @output WHERE {Fence}",
            command => command.With("now", now).With("output", null),
            (command, i) => command.Parameters[3].Value = (object?)TextLimit.Tail(completions[i].Output, Options.OutputLimit) ?? DBNull.Value,
            ct);
    }

    public async Task<bool> GiveBackAsync(JobLease lease, CancellationToken ct)
    {
        var now = NowMs();
        var back = await ForEachFencedAsync([lease],
            $"UPDATE slipway_jobs SET state = 0, visible_at = @now, attempt_base = attempt_base + 1 WHERE {Fence}",
            command => command.With("now", now), null, ct);
        return back.Count == 1;
    }

    public async Task<FailResult> FailAsync(JobLease lease, JobFailure failure, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var now = Time.GetUtcNow();
        FailResult result;
        await using (var session = await BeginAsync(ct))
        {
            await using (var read = session.Command(
                $"SELECT attempt - attempt_base, max_attempts FROM slipway_jobs WHERE {Fence}{LockRowSuffix}")
                .With("id", lease.JobId).With("attempt", (long)lease.Attempt))
            {
                await using var reader = await read.ExecuteReaderAsync(ct);
                if (!await reader.ReadAsync(ct))
                {
                    return new FailResult(FailOutcome.Refused);
                }

                result = FailPlanner.Plan((int)reader.GetInt64(0), (int)reader.GetInt64(1), now, Options.Retry, Options.JitterSource());
            }

            var dead = result.Outcome == FailOutcome.Dead;
            await using var update = session.Command(
                $"""
                UPDATE slipway_jobs SET state = @state, visible_at = @visible_at, finished_at = @finished_at,
                  last_error = @error, output = @output
                WHERE {Fence}
                """).With("state", (long)(dead ? JobState.Dead : JobState.Ready))
                .With("visible_at", UnixMs.From(result.RetryAt ?? now)).With("finished_at", dead ? UnixMs.From(now) : null as object)
                .With("error", TextLimit.Tail(failure.Message, Options.OutputLimit))
                .With("output", TextLimit.Tail(failure.Output, Options.OutputLimit))
                .With("id", lease.JobId).With("attempt", (long)lease.Attempt);
            update.Parameters[2].DbType = System.Data.DbType.Int64; // typed even when null: a bigint column

            await update.ExecuteNonQueryAsync(ct);
            await session.CommitAsync(ct);
        }

        return result;
    }

    /// <summary>Runs one fenced statement per lease in one transaction; returns the leases it matched.</summary>
    private async Task<IReadOnlyList<JobLease>> ForEachFencedAsync(
        IReadOnlyList<JobLease> leases, string sql, Action<DbCommand> bind, Action<DbCommand, int>? bindEach, CancellationToken ct)
    {
        if (leases.Count == 0)
        {
            return [];
        }

        var held = new List<JobLease>(leases.Count);
        await using var session = await BeginAsync(ct);
        await using var command = session.Command(sql).With("id", 0L).With("attempt", 0L);
        bind(command);
        if (session.Connection.CanCreateBatch)
        {
            await RunAsBatchAsync(session, command, leases, bindEach, held, ct);
        }
        else
        {
            for (var i = 0; i < leases.Count; i++)
            {
                var lease = leases[i];
                command.Parameters[0].Value = lease.JobId;
                command.Parameters[1].Value = (long)lease.Attempt;
                bindEach?.Invoke(command, i);
                if (await command.ExecuteNonQueryAsync(ct) == 1)
                {
                    held.Add(lease);
                }
            }
        }

        await session.CommitAsync(ct);
        return held;
    }

    /// <summary>
    /// The statements of <see cref="ForEachFencedAsync"/> in one round trip (PostgreSQL; SQLite has no batches and no
    /// network): each is the template command with its lease's values.
    /// </summary>
    private static async Task RunAsBatchAsync(SqlSession session, DbCommand template, IReadOnlyList<JobLease> leases,
        Action<DbCommand, int>? bindEach, List<JobLease> held, CancellationToken ct)
    {
        await using var batch = session.Connection.CreateBatch();
        batch.Transaction = session.Transaction;
        for (var i = 0; i < leases.Count; i++)
        {
            template.Parameters[0].Value = leases[i].JobId;
            template.Parameters[1].Value = (long)leases[i].Attempt;
            bindEach?.Invoke(template, i);
            batch.AddCopyOf(template);
        }

        await batch.ExecuteNonQueryAsync(ct);
        for (var i = 0; i < leases.Count; i++)
        {
            if (batch.BatchCommands[i].RecordsAffected == 1)
            {
                held.Add(leases[i]);
            }
        }
    }
}
