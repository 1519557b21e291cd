using Slipway.Core;

namespace Slipway.Queue.Internal;

/// <summary>
/// A queue's rate limit as a token bucket that holds <see cref="Rate.Count"/> tokens and gains one every
/// <see cref="Rate.Per"/> / count, kept as one number per queue in the store (GCRA): <c>full_at</c>, the instant the
/// bucket is full again. A lease of k jobs moves it on by k intervals; at <c>now</c> the bucket holds
/// <c>(now + per − max(full_at, now)) / interval</c> tokens. One number, read and written inside the lease's transaction
/// (or Lua script), is what makes the limit hold across workers and hosts. Pure: instants are Unix milliseconds.
/// So a quiet queue may start <c>count</c> jobs at once, and then one per interval: over any span <c>d</c>, at most
/// <c>count + count · d / per</c> jobs start.
/// </summary>
internal static class RateGate
{
    // Floating-point slack: an interval added n times must still count as n whole intervals.
    private const double Slack = 1e-6;

    /// <summary>How many of <paramref name="wanted"/> jobs may start at <paramref name="nowMs"/>; <paramref name="fullAtMs"/> null: never used.</summary>
    public static int Allowed(Rate rate, double? fullAtMs, long nowMs, int wanted)
    {
        var from = Math.Max(fullAtMs ?? nowMs, nowMs);
        var tokens = Math.Floor(((nowMs + rate.Per.TotalMilliseconds - from) / IntervalMs(rate)) + Slack);
        return (int)Math.Clamp(tokens, 0, wanted);
    }

    /// <summary>The bucket's <c>full_at</c> after <paramref name="started"/> jobs started at <paramref name="nowMs"/>.</summary>
    public static double After(Rate rate, double? fullAtMs, long nowMs, int started) =>
        Math.Max(fullAtMs ?? nowMs, nowMs) + (started * IntervalMs(rate));

    public static double IntervalMs(Rate rate) => rate.Per.TotalMilliseconds / rate.Count;
}
