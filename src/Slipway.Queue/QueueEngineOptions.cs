using Slipway.Core;

namespace Slipway.Queue;

/// <summary>Settings every engine shares (the slipway.yml queue section maps onto these).</summary>
public sealed record QueueEngineOptions
{
    public static QueueEngineOptions Default { get; } = new();

    /// <summary>A lease's length when a caller gives none. A worker heartbeats every third of it.</summary>
    public TimeSpan DefaultLease { get; init; } = TimeSpan.FromSeconds(30);

    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;

    public RetentionPolicy Retention { get; init; } = RetentionPolicy.Default;

    /// <summary>
    /// Per-queue limits on jobs running at once across all workers and hosts (a lease hands out at most the limit minus
    /// the jobs whose leases are live). A queue not named here has no limit.
    /// </summary>
    public IReadOnlyDictionary<string, int> ConcurrencyLimits { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>
    /// Per-queue limits on jobs started per period across all workers and hosts (<c>10/s</c>): each lease hands out no
    /// more than the queue's token bucket holds (see <see cref="Internal.RateGate"/>). A queue not named here has no limit.
    /// </summary>
    public IReadOnlyDictionary<string, Rate> RateLimits { get; init; } = new Dictionary<string, Rate>(StringComparer.Ordinal);

    /// <summary>Output and error text kept per job: the last this many characters.</summary>
    public int OutputLimit { get; init; } = 64 * 1024;

    /// <summary>The random draw in [−1, 1] for retry jitter (tests pin it).</summary>
    public Func<double> JitterSource { get; init; } = static () => (Random.Shared.NextDouble() * 2) - 1;
}
