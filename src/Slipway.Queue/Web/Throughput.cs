namespace Slipway.Queue.Web;

/// <summary>
/// Jobs finished per minute, from the finished counts (succeeded + dead) the page saw at each look, over the last five
/// minutes of looks. The store keeps no history of its own, so the first look shows none, and retention pruning between
/// two looks (the count went down) shows none rather than a wrong figure. Thread-safe: looks come from any request.
/// </summary>
public sealed class Throughput
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Shortest = TimeSpan.FromSeconds(5);
    private readonly Dictionary<string, List<(DateTimeOffset At, long Finished)>> _looks = new(StringComparer.Ordinal);

    /// <summary>Records a look and returns jobs per minute since the oldest look in the window, or null when not known.</summary>
    public double? Look(string queue, long finished, DateTimeOffset now)
    {
        lock (_looks)
        {
            if (!_looks.TryGetValue(queue, out var looks))
            {
                _looks[queue] = looks = [];
            }

            looks.RemoveAll(l => now - l.At > Window);
            if (looks.Count > 0 && finished < looks[^1].Finished)
            {
                looks.Clear(); // pruned since: start again from this look
            }

            looks.Add((now, finished));
            var (at, before) = looks[0];
            var span = now - at;
            return span < Shortest ? null : (finished - before) / span.TotalMinutes;
        }
    }
}
