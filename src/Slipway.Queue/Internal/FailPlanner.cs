namespace Slipway.Queue.Internal;

/// <summary>What a failed attempt does to a job: retry after the backoff, or the dead-letter list. Pure.</summary>
internal static class FailPlanner
{
    public static FailResult Plan(int attemptsUsed, int maxAttempts, DateTimeOffset now, RetryPolicy policy, double jitterUnit) =>
        attemptsUsed >= maxAttempts
            ? new FailResult(FailOutcome.Dead)
            : new FailResult(FailOutcome.Retrying, now + policy.DelayAfter(attemptsUsed, jitterUnit));
}
