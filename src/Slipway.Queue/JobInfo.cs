namespace Slipway.Queue;

/// <summary>
/// A stored job as the admin reads show it. VisibleAt: for a ready job when it may be leased, for a running one when
/// its lease runs out, for a finished one when it finished.
/// </summary>
public sealed record JobInfo(
    long Id,
    string Queue,
    JobState State,
    string Payload,
    int Priority,
    int Attempt,
    int AttemptsUsed,
    int MaxAttempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset VisibleAt,
    DateTimeOffset? FinishedAt,
    string? IdempotencyKey,
    string? LastError,
    string? Output);
