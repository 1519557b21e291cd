namespace Slipway.Deploy.Model;

/// <summary>
/// Which release directories a cleanup removes on one host. Unfinished and bad releases go first and never count
/// towards <c>keep_releases</c>; of the good ones the newest <c>keep</c> stay. The live release and the one before it
/// (the rollback target) are never removed, nor are the names given to protect. Pure.
/// </summary>
public static class CleanupPlanner
{
    public static IReadOnlyList<string> Select(HostState state, int keep, IEnumerable<string>? protect = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var kept = new HashSet<string>(protect ?? [], StringComparer.Ordinal);
        if (state.Current is not null)
        {
            kept.Add(state.Current);
        }

        if (state.Previous() is { } previous)
        {
            kept.Add(previous.Name);
        }

        var doomed = state.Releases.Where(r => r.State != ReleaseState.Ok).Select(r => r.Name).ToList();
        var good = state.Releases.Where(r => r.State == ReleaseState.Ok).Select(r => r.Name).Order(StringComparer.Ordinal).ToList();
        doomed.AddRange(good.Take(Math.Max(0, good.Count - Math.Max(1, keep))));
        return [.. doomed.Where(name => !kept.Contains(name)).Order(StringComparer.Ordinal)];
    }
}
