using Slipway.Core;

namespace Slipway.Queue.Web;

/// <summary>What the queue page reads: how to open the store, and the limits slipway.yml sets, to show beside the counts.</summary>
public sealed record QueuePageSources
{
    /// <summary>Opens the store (not yet initialised); the page opens one per request and disposes it.</summary>
    public required Func<IQueueEngine> Open { get; init; }

    /// <summary>A SQLite store's file, or null: when it does not exist the page says so rather than create it.</summary>
    public string? SqliteFile { get; init; }

    /// <summary>The store's URL as the page shows it (no password).</summary>
    public required string ShownUrl { get; init; }

    public IReadOnlyDictionary<string, int> ConcurrencyLimits { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, Rate> RateLimits { get; init; } = new Dictionary<string, Rate>(StringComparer.Ordinal);
}
