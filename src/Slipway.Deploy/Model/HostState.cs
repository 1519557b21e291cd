namespace Slipway.Deploy.Model;

/// <summary>What a host told us about its releases: the live one, every release directory, and the lock.</summary>
public sealed record HostState
{
    /// <summary>Name of the release <c>current</c> points to; null when there is no current link (never deployed).</summary>
    public string? Current { get; init; }

    /// <summary>Where <c>current</c> points when that is not a release directory (kept for messages).</summary>
    public string? CurrentTarget { get; init; }

    /// <summary>Releases sorted oldest first (by name, which is the deploy time).</summary>
    public IReadOnlyList<ReleaseInfo> Releases { get; init; } = [];

    public ReleaseInfo? Find(string name) => Releases.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.Ordinal));

    /// <summary>The newest good release older than <paramref name="than"/> (default: the live one): the rollback target.</summary>
    public ReleaseInfo? Previous(string? than = null)
    {
        var pivot = than ?? Current;
        return Releases
            .Where(r => r.State == ReleaseState.Ok && (pivot is null || string.CompareOrdinal(r.Name, pivot) < 0))
            .LastOrDefault();
    }
}
