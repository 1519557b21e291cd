namespace Slipway.Queue;

/// <summary>A job to enqueue. The payload is opaque text (JSON by convention) handed to the worker unchanged.</summary>
public sealed record NewJob(string Queue, string Payload)
{
    /// <summary>Higher runs first; jobs of equal priority run in visible-time order, then in enqueue order.</summary>
    public int Priority { get; init; }

    /// <summary>Not leased before now + this (a delayed job). Ignored when <see cref="RunAt"/> is set.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Not leased before this instant (a scheduled job).</summary>
    public DateTimeOffset? RunAt { get; init; }

    /// <summary>
    /// A unique job: while a job with this key is stored in the queue (waiting, running, or kept after it finished or
    /// died, until retention removes it), enqueueing the key again returns that job instead of adding one.
    /// </summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Overrides the engine's <see cref="RetryPolicy.MaxAttempts"/> for this job.</summary>
    public int? MaxAttempts { get; init; }
}
