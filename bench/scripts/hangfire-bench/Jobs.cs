using System.Collections.Concurrent;
using System.Diagnostics;

namespace Slipway.Queue.Bench;

/// <summary>The jobs Hangfire runs: a no-op that counts, and a stamp of enqueue-to-start time.</summary>
public static class Jobs
{
    private static long _done;

    public static long Done => Interlocked.Read(ref _done);

    public static ConcurrentQueue<long> Stamps { get; } = new();

    public static void Noop() => Interlocked.Increment(ref _done);

    public static void Stamp(long sent) => Stamps.Enqueue(Stopwatch.GetTimestamp() - sent);

    public static void Reset() => Interlocked.Exchange(ref _done, 0);
}
