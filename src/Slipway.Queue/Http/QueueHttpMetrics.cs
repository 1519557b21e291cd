using System.Globalization;
using System.Text;

namespace Slipway.Queue.Http;

/// <summary>
/// What the server counted since it started (per process), and the Prometheus text of <c>/metrics</c> with the store's
/// per-queue gauges. Thread-safe.
/// </summary>
public sealed class QueueHttpMetrics
{
    private long _enqueued;
    private long _duplicates;
    private long _leased;
    private long _acked;
    private long _failed;
    private long _refused;
    private int _waiting;

    public long Enqueued => Interlocked.Read(ref _enqueued);

    public long Leased => Interlocked.Read(ref _leased);

    public long Acked => Interlocked.Read(ref _acked);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Fenced calls refused because the caller's lease was no longer held.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Lease requests waiting for jobs right now (long polls).</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    internal void AddEnqueued(int created, int duplicates)
    {
        Interlocked.Add(ref _enqueued, created);
        Interlocked.Add(ref _duplicates, duplicates);
    }

    internal void AddLeased(int n) => Interlocked.Add(ref _leased, n);

    internal void AddAcked(int n) => Interlocked.Add(ref _acked, n);

    internal void AddFailed() => Interlocked.Increment(ref _failed);

    internal void AddRefused(int n) => Interlocked.Add(ref _refused, n);

    internal void WaitStarted() => Interlocked.Increment(ref _waiting);

    internal void WaitEnded() => Interlocked.Decrement(ref _waiting);

    /// <summary>The exposition text: the store's gauges per queue, then this server's counters.</summary>
    public string ToPrometheus(IReadOnlyList<QueueStats> queues)
    {
        ArgumentNullException.ThrowIfNull(queues);
        var sb = new StringBuilder();
        Gauge(sb, "slipway_queue_jobs", "Jobs in the store by queue and state (ready is the depth; scheduled are ready but not visible yet).");
        foreach (var q in queues)
        {
            foreach (var (state, n) in new[] { ("ready", q.Ready), ("scheduled", q.Scheduled), ("running", q.Running), ("succeeded", q.Succeeded), ("dead", q.Dead) })
            {
                sb.Append(CultureInfo.InvariantCulture, $"slipway_queue_jobs{{queue=\"{Label(q.Queue)}\",state=\"{state}\"}} {n}\n");
            }
        }

        Gauge(sb, "slipway_queue_oldest_ready_age_seconds", "How long the oldest visible ready job has waited (0 when none waits).");
        foreach (var q in queues)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"slipway_queue_oldest_ready_age_seconds{{queue=\"{Label(q.Queue)}\"}} {(q.OldestReadyAge ?? TimeSpan.Zero).TotalSeconds:0.###}\n");
        }

        Counter(sb, "slipway_queue_http_enqueued_total", "Jobs added through this server.", Enqueued);
        Counter(sb, "slipway_queue_http_duplicates_total", "Enqueues whose idempotency key matched a stored job (nothing added).", Interlocked.Read(ref _duplicates));
        Counter(sb, "slipway_queue_http_leased_total", "Jobs handed to workers by this server.", Leased);
        Counter(sb, "slipway_queue_http_acked_total", "Jobs completed through this server.", Acked);
        Counter(sb, "slipway_queue_http_failed_total", "Failures reported through this server.", Failed);
        Counter(sb, "slipway_queue_http_refused_total", "Heartbeats, acks and fails refused because the lease was no longer held.", Refused);
        Gauge(sb, "slipway_queue_http_waiting_requests", "Lease requests waiting for jobs now (idle long-lived workers).");
        sb.Append(CultureInfo.InvariantCulture, $"slipway_queue_http_waiting_requests {Waiting}\n");
        return sb.ToString();
    }

    private static void Gauge(StringBuilder sb, string name, string help) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" gauge\n");

    private static void Counter(StringBuilder sb, string name, string help, long value) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" counter\n")
          .Append(name).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');

    // Queue names cannot hold quotes or backslashes (QueueName.Rule); escape anyway so the text stays valid.
    private static string Label(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
