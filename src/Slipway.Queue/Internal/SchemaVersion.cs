using System.Globalization;

namespace Slipway.Queue.Internal;

/// <summary>
/// The version of a store's layout, kept in one row of <c>slipway_queue_schema</c> (SQL) or the key
/// <c>{prefix}:schema</c> (Redis), so a later release can change the tables in steps and an older one refuses a store
/// it does not understand instead of misreading it. Version 1 is the layout every release so far has made. A store
/// from before the version was kept reads as 0; its step to 1 is the same <c>IF NOT EXISTS</c> statements, so it
/// keeps its jobs. Each engine has its own latest version: the number of steps it passes to <see cref="MigrateAsync"/>
/// (SQLite 2: per-state counters; PostgreSQL and Redis 1).
/// </summary>
internal static class SchemaVersion
{
    /// <summary>The layout this build reads and writes in a Redis store (the SQL engines: their number of steps).</summary>
    public const int Current = 1;

    /// <summary>The refusal of a store a newer release has changed.</summary>
    public static QueueException TooNew(long stored, int known = Current) => new(
        $"The queue store has schema version {stored.ToString(CultureInfo.InvariantCulture)}, and this slipway knows versions up to {known.ToString(CultureInfo.InvariantCulture)}: "
        + "a newer release changed it. Run the same (or a newer) slipway on every host that shares this store.");

    /// <summary>
    /// Inside the initialising transaction (which the caller serialises across processes): reads the version, refuses
    /// a newer one, runs <paramref name="steps"/>[v − 1] for each version v above the stored one up to the number of
    /// steps (the engine's latest version), and records it.
    /// </summary>
    public static async Task MigrateAsync(SqlSession session, IReadOnlyList<IReadOnlyList<string>> steps, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfZero(steps.Count);
        var current = steps.Count;

        await using (var create = session.Command("CREATE TABLE IF NOT EXISTS slipway_queue_schema (version INTEGER NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        long stored;
        await using (var read = session.Command("SELECT max(version) FROM slipway_queue_schema"))
        {
            stored = await read.ExecuteScalarAsync(ct) is { } value and not DBNull ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : 0;
        }

        if (stored > current)
        {
            throw TooNew(stored, current);
        }

        for (var version = stored + 1; version <= current; version++)
        {
            foreach (var statement in steps[(int)version - 1])
            {
                await using var command = session.Command(statement);
                await command.ExecuteNonQueryAsync(ct);
            }
        }

        if (stored < current)
        {
            await using var record = session.Command(stored == 0
                ? "INSERT INTO slipway_queue_schema (version) VALUES (@v)"
                : "UPDATE slipway_queue_schema SET version = @v").With("v", (long)current);
            await record.ExecuteNonQueryAsync(ct);
        }
    }
}
