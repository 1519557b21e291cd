using Slipway.Supervisor.Logging;
using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Daemon;

/// <summary>syslog_forward: one forwarder per destination, fed line by line from the output thread.</summary>
public sealed class LogForwarding(MainLog log, TimeProvider time, int bufferSize) : IDisposable
{
    private readonly Dictionary<string, SyslogForwarder> _forwarders = new(StringComparer.Ordinal);

    /// <summary>The output thread's hook that forwards one channel of one run (null when the program does not forward).</summary>
    internal OutputTap? Tap(Subprocess process, int pid, string channel) =>
        process.Config.Extras.SyslogForward is { } target
            ? new ForwardTap(ForwarderFor(target), process.Namespec, pid, channel == "stderr", time).OnData
            : null;

    /// <summary>One channel of one run: cuts its output into lines and queues a frame per line (output thread only).</summary>
    private sealed class ForwardTap
    {
        private readonly SyslogForwarder _forwarder;
        private readonly ForwardSource _source;
        private readonly TimeProvider _time;
        private readonly LineSplitter _splitter = new();
        private readonly LineSplitter.LineHandler _onLine;
        private DateTimeOffset _at;

        public ForwardTap(SyslogForwarder forwarder, string app, int pid, bool stderr, TimeProvider time)
        {
            _forwarder = forwarder;
            _source = forwarder.Source(app, pid, stderr);
            _time = time;
            _onLine = line => _forwarder.Enqueue(_source, line, _at);
        }

        public void OnData(ReadOnlySpan<byte> data)
        {
            _at = _time.GetUtcNow();
            _splitter.Feed(data, _onLine);
        }
    }

    private SyslogForwarder ForwarderFor(string target)
    {
        lock (_forwarders)
        {
            if (!_forwarders.TryGetValue(target, out var forwarder))
            {
                var colon = target.LastIndexOf(':');
                forwarder = new SyslogForwarder(target[..colon].Trim('[', ']'), int.Parse(target[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture),
                    System.Net.Dns.GetHostName(), bufferSize);
                _forwarders[target] = forwarder;
                log.Write("info", $"forwarding program output to syslog server {target}");
            }

            return forwarder;
        }
    }

    internal (long Sent, long Dropped, bool Forwarding) Counters()
    {
        lock (_forwarders)
        {
            return (_forwarders.Values.Sum(f => f.Sent), _forwarders.Values.Sum(f => f.Dropped), _forwarders.Count > 0);
        }
    }

    /// <summary>At exit: send what is still buffered (briefly), then close.</summary>
    public void Dispose()
    {
        lock (_forwarders)
        {
            foreach (var f in _forwarders.Values)
            {
                f.Flush(TimeSpan.FromSeconds(1));
                f.Dispose();
            }

            _forwarders.Clear();
        }
    }
}
