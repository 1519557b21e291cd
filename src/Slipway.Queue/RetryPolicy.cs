namespace Slipway.Queue;

/// <summary>
/// Exponential backoff with jitter: after failed attempt n (1-based), the job becomes visible again after
/// <c>min(MaxDelay, BaseDelay · 2^(n−1)) · (1 + Jitter · u)</c>, u uniform in [−1, 1]. The defaults (10 attempts,
/// 10 s doubling up to 1 h, ±25 %) give 10 s, 20 s, 40 s … 42 min 40 s between the ten attempts: about 1 h 25 min
/// from the first failure to the dead-letter list. Jitter keeps a burst of jobs that failed together (a database down) from retrying
/// in lockstep.
/// </summary>
public sealed record RetryPolicy
{
    public static RetryPolicy Default { get; } = new();

    /// <summary>Attempts (leases that ran the job, including ones whose worker died) before the job is dead-lettered.</summary>
    public int MaxAttempts { get; init; } = 10;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The relative spread, 0 to 1.</summary>
    public double Jitter { get; init; } = 0.25;

    /// <summary>The delay after failed attempt <paramref name="attempt"/>; <paramref name="unit"/> is the random draw in [−1, 1].</summary>
    public TimeSpan DelayAfter(int attempt, double unit)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 62);
        var raw = BaseDelay.TotalMilliseconds * Math.Pow(2, exponent);
        var capped = Math.Min(raw, MaxDelay.TotalMilliseconds);
        var jittered = capped * (1 + (Jitter * Math.Clamp(unit, -1, 1)));
        return TimeSpan.FromMilliseconds(Math.Max(0, jittered));
    }
}
