namespace Slipway.Queue;

/// <summary>
/// How long finished jobs stay readable (and keep their idempotency key taken). Both an age and a per-queue count
/// bound each list, so a queue that runs a million jobs a day or fails them all does not grow the store without
/// limit (Sidekiq caps its dead set the same way: 10,000 jobs, 6 months).
/// </summary>
public sealed record RetentionPolicy
{
    public static RetentionPolicy Default { get; } = new();

    public TimeSpan Succeeded { get; init; } = TimeSpan.FromDays(1);

    public int SucceededPerQueue { get; init; } = 10_000;

    public TimeSpan Dead { get; init; } = TimeSpan.FromDays(14);

    public int DeadPerQueue { get; init; } = 10_000;

    /// <summary>How often an engine prunes by itself (on a lease); <see cref="IQueueEngine.PruneAsync"/> prunes at once.</summary>
    public TimeSpan PruneEvery { get; init; } = TimeSpan.FromMinutes(1);
}
