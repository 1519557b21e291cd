namespace Slipway.Queue;

/// <summary>Which jobs to peek at: one queue, optionally one state, oldest first (by id), at most <see cref="Limit"/>.</summary>
public sealed record JobQuery(string Queue)
{
    public JobState? State { get; init; }

    /// <summary>
    /// Only ready jobs that have used attempts: they failed (or their worker was lost) and wait for the next attempt,
    /// after the backoff or now. <see cref="State"/> is taken as <see cref="JobState.Ready"/>.
    /// </summary>
    public bool OnlyRetrying { get; init; }

    public int Limit { get; init; } = 50;

    /// <summary>Only jobs with a larger id (paging).</summary>
    public long AfterId { get; init; }
}
