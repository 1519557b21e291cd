namespace Slipway.Monitor.Scheduling;

/// <summary>Start lateness of the most recent runs (a ring of <see cref="Window"/>), for percentiles; thread-safe.</summary>
public sealed class LatenessStats
{
    public const int Window = 10_000;

    private readonly TimeSpan[] _ring = new TimeSpan[Window];
    private long _count;
    private TimeSpan _max;

    public long Count => Interlocked.Read(ref _count);

    public TimeSpan Max
    {
        get
        {
            lock (_ring)
            {
                return _max;
            }
        }
    }

    public void Record(TimeSpan lateness)
    {
        lock (_ring)
        {
            _ring[_count % Window] = lateness;
            _count++;
            if (lateness > _max)
            {
                _max = lateness;
            }
        }
    }

    /// <summary>The <paramref name="percentile"/> (0..100) of the recent runs' lateness; zero before any run.</summary>
    public TimeSpan Percentile(double percentile)
    {
        TimeSpan[] recent;
        lock (_ring)
        {
            recent = _ring[..(int)Math.Min(_count, Window)];
        }

        if (recent.Length == 0)
        {
            return TimeSpan.Zero;
        }

        Array.Sort(recent);
        var index = (int)Math.Ceiling(percentile / 100.0 * recent.Length) - 1;
        return recent[Math.Clamp(index, 0, recent.Length - 1)];
    }
}
