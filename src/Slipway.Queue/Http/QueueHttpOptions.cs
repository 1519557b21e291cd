using System.Net;

namespace Slipway.Queue.Http;

/// <summary>What <see cref="QueueHttpServer"/> needs: where to listen, the token, and the API's limits and defaults.</summary>
public sealed record QueueHttpOptions
{
    /// <summary>Where to listen; port 0 takes a free port (<see cref="QueueHttpServer.Address"/> says which).</summary>
    public IPEndPoint Endpoint { get; init; } = new(IPAddress.Loopback, DefaultPort);

    /// <summary>"Authorization: Bearer TOKEN" for every route. Null: no token (the command allows that on loopback only).</summary>
    public string? Token { get; init; }

    /// <summary>A lease's length when the request names none (queue.lease).</summary>
    public TimeSpan DefaultLease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest a lease request may wait for jobs; longer asks are cut to this.</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A waiting lease request looks again this often even without a wake-up: delayed jobs coming due, expired leases
    /// and other processes' enqueues to a SQLite store send none.
    /// </summary>
    public TimeSpan IdlePoll { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Most jobs one lease request or one batch enqueue may carry.</summary>
    public int MaxBatch { get; init; } = 10_000;

    /// <summary>Where each failure reported over the API goes, with its output (<see cref="Workers.JobFailureEvent"/>); null: only the store keeps it.</summary>
    public Slipway.Core.Logging.ICentralLog? FailureLog { get; init; }

    /// <summary>The queues' concurrency limits (queue.limits), shown by <c>GET /api/queues</c>; the engine enforces them.</summary>
    public IReadOnlyDictionary<string, int> ConcurrencyLimits { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>The queues' rate limits (queue.rates), shown by <c>GET /api/queues</c>; the engine enforces them.</summary>
    public IReadOnlyDictionary<string, Slipway.Core.Rate> RateLimits { get; init; } = new Dictionary<string, Slipway.Core.Rate>(StringComparer.Ordinal);

    public const int DefaultPort = 8515;
}
