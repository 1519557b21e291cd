using System.Text;

namespace Slipway.Logs.Intake;

/// <summary>Counters of the intake, shown in the browser and at /metrics (Prometheus text format).</summary>
public sealed class IntakeMetrics
{
    private long _receivedUdp;
    private long _receivedTcp;
    private long _receivedHttp;
    private long _droppedUdp;
    private long _written;
    private long _batches;
    private long _writeErrors;
    private long _spooled;
    private long _dropped;
    private long _parseErrors;
    private long _tcpConnections;

    public long ReceivedUdp => Interlocked.Read(ref _receivedUdp);

    public long ReceivedTcp => Interlocked.Read(ref _receivedTcp);

    public long ReceivedHttp => Interlocked.Read(ref _receivedHttp);

    public long DroppedUdp => Interlocked.Read(ref _droppedUdp);

    public long Written => Interlocked.Read(ref _written);

    public long Batches => Interlocked.Read(ref _batches);

    public long WriteErrors => Interlocked.Read(ref _writeErrors);

    public long Spooled => Interlocked.Read(ref _spooled);

    public long ParseErrors => Interlocked.Read(ref _parseErrors);

    /// <summary>Events lost because neither the database nor the spool could take them (both disks full).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public long TcpConnections => Interlocked.Read(ref _tcpConnections);

    /// <summary>Events waiting in the in-memory queue; set by the pipeline.</summary>
    public Func<int> QueueDepth { get; set; } = () => 0;

    internal void AddUdp(long n = 1) => Interlocked.Add(ref _receivedUdp, n);

    internal void AddTcp(long n) => Interlocked.Add(ref _receivedTcp, n);

    internal void AddHttp(long n) => Interlocked.Add(ref _receivedHttp, n);

    internal void DropUdp() => Interlocked.Increment(ref _droppedUdp);

    internal void AddWritten(long n)
    {
        Interlocked.Add(ref _written, n);
        Interlocked.Increment(ref _batches);
    }

    internal void AddWriteError() => Interlocked.Increment(ref _writeErrors);

    internal void AddSpooled(long n) => Interlocked.Add(ref _spooled, n);

    internal void AddDropped(long n) => Interlocked.Add(ref _dropped, n);

    internal void AddParseErrors(long n) => Interlocked.Add(ref _parseErrors, n);

    internal void ConnectionOpened() => Interlocked.Increment(ref _tcpConnections);

    internal void ConnectionClosed() => Interlocked.Decrement(ref _tcpConnections);

    public string ToPrometheus()
    {
        var sb = new StringBuilder();
        void Counter(string name, string help, long value, string? labels = null)
        {
            sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            sb.Append("# TYPE ").Append(name).Append(name.EndsWith("_total", StringComparison.Ordinal) ? " counter\n" : " gauge\n");
            sb.Append(name).Append(labels ?? "").Append(' ').Append(value).Append('\n');
        }

        sb.Append("# HELP slipway_logs_received_total Events received, by transport.\n# TYPE slipway_logs_received_total counter\n");
        sb.Append("slipway_logs_received_total{transport=\"udp\"} ").Append(ReceivedUdp).Append('\n');
        sb.Append("slipway_logs_received_total{transport=\"tcp\"} ").Append(ReceivedTcp).Append('\n');
        sb.Append("slipway_logs_received_total{transport=\"http\"} ").Append(ReceivedHttp).Append('\n');
        Counter("slipway_logs_udp_dropped_total", "UDP datagrams dropped because the queue was full.", DroppedUdp);
        Counter("slipway_logs_written_total", "Events written to the database.", Written);
        Counter("slipway_logs_batches_total", "Batches (transactions) written.", Batches);
        Counter("slipway_logs_write_errors_total", "Batches the database refused.", WriteErrors);
        Counter("slipway_logs_spooled_total", "Events written to the local spool file while the database was unavailable.", Spooled);
        Counter("slipway_logs_dropped_total", "Events dropped because neither the database nor the spool file could take them (disk full).", Dropped);
        Counter("slipway_logs_parse_errors_total", "Events stored raw because they did not parse.", ParseErrors);
        Counter("slipway_logs_queue_depth", "Events waiting in memory for the writer.", QueueDepth());
        Counter("slipway_logs_tcp_connections", "Open syslog TCP connections.", TcpConnections);
        return sb.ToString();
    }
}
