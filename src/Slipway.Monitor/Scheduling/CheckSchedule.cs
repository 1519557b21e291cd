using System.Text;

namespace Slipway.Monitor.Scheduling;

/// <summary>
/// When a check runs next (pure). Each check has a fixed phase within its interval, taken from a hash of its name, and
/// runs at the instants <c>epoch + phase + k * interval</c>: 1,000 checks with one interval start spread evenly over
/// it instead of all at once (no thundering herd), the same way after every restart. While a problem is SOFT, or a
/// HARD problem is recovering, the next check is <c>retry_interval</c> after the result instead, which is the rule
/// Nagios, Naemon and Icinga have each broken at some point.
/// </summary>
public static class CheckSchedule
{
    /// <summary>The check's phase within <paramref name="interval"/>: stable across runs and machines (FNV-1a, not string.GetHashCode).</summary>
    public static TimeSpan Phase(string check, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(check);
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(check))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return TimeSpan.FromTicks((long)(hash % (ulong)interval.Ticks));
    }

    /// <summary>The check's first slot at or after <paramref name="now"/>: its first run after a start.</summary>
    public static DateTimeOffset FirstDue(string check, TimeSpan interval, DateTimeOffset now) =>
        SlotAtOrAfter(check, interval, now);

    /// <summary>
    /// When to run after a result at <paramref name="now"/>: <c>retry_interval</c> later while the status says retry,
    /// else the first of the check's slots at least half an interval away (so a check that ran late keeps its phase and
    /// is not run twice in a row, and the gap between two runs stays between 0.5 and 1.5 intervals).
    /// </summary>
    public static DateTimeOffset NextDue(string check, CheckStatus status, CheckOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(options);
        if (Retrying(status))
        {
            return now + options.RetryInterval;
        }

        return SlotAtOrAfter(check, options.CheckInterval, now + (options.CheckInterval / 2));
    }

    /// <summary>A SOFT problem, or a HARD one that has had some successes: confirm quickly.</summary>
    public static bool Retrying(CheckStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return (status.Type == StateType.Soft && status.State != ServiceState.Ok) || status.IsRecovering;
    }

    private static DateTimeOffset SlotAtOrAfter(string check, TimeSpan interval, DateTimeOffset at)
    {
        var phase = Phase(check, interval).Ticks;
        var sinceEpoch = at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var intoInterval = (((sinceEpoch - phase) % interval.Ticks) + interval.Ticks) % interval.Ticks;
        var slot = intoInterval == 0 ? sinceEpoch : sinceEpoch - intoInterval + interval.Ticks;
        return new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + slot, TimeSpan.Zero);
    }
}
