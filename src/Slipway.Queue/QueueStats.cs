namespace Slipway.Queue;

/// <summary>
/// One queue's counts. Ready is the depth (jobs a worker could lease now); Scheduled counts ready jobs not visible yet
/// (delayed, or waiting out a retry's backoff); OldestReadyAge is how long the longest-waiting visible job has waited
/// (null when none waits).
/// </summary>
public sealed record QueueStats(
    string Queue,
    long Ready,
    long Scheduled,
    long Running,
    long Succeeded,
    long Dead,
    TimeSpan? OldestReadyAge);
