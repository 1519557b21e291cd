using Slipway.Supervisor.Logging;
using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Daemon;

/// <summary>syslog_forward: one forwarder per destination, fed line by line from the output thread.</summary>
public sealed partial class SupervisorDaemon
{
    private readonly Dictionary<string, SyslogForwarder> _forwarders = new(StringComparer.Ordinal);

    /// <summary>The output thread's hook for one channel of one run: PROCESS_LOG events and/or log forwarding.</summary>
    private OutputTap? Tap(Subprocess process, int pid, string channel, bool events)
    {
        OutputTap? onEvents = events ? data => QueueLogEvent(process, pid, channel, data) : null;
        if (process.Config.Extras.SyslogForward is not { } target)
        {
            return onEvents;
        }

        var forwarder = ForwarderFor(target);
        var splitter = new LineSplitter();
        var app = process.Namespec;
        var stderr = channel == "stderr";
        void Forward(ReadOnlySpan<byte> data)
        {
            var at = _time.GetUtcNow();
            splitter.Feed(data, line => forwarder.Enqueue(app, pid, stderr, line, at));
        }

        return onEvents is null ? Forward : data =>
        {
            onEvents(data);
            Forward(data);
        };
    }

    private SyslogForwarder ForwarderFor(string target)
    {
        lock (_forwarders)
        {
            if (!_forwarders.TryGetValue(target, out var forwarder))
            {
                var colon = target.LastIndexOf(':');
                forwarder = new SyslogForwarder(target[..colon].Trim('[', ']'), int.Parse(target[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture),
                    System.Net.Dns.GetHostName(), Config.Daemon.SyslogForwardBuffer);
                _forwarders[target] = forwarder;
                Log.Write("info", $"forwarding program output to syslog server {target}");
            }

            return forwarder;
        }
    }

    private (long Sent, long Dropped, bool Forwarding) ForwardCounters()
    {
        lock (_forwarders)
        {
            return (_forwarders.Values.Sum(f => f.Sent), _forwarders.Values.Sum(f => f.Dropped), _forwarders.Count > 0);
        }
    }

    /// <summary>At exit: send what is still buffered (briefly), then close.</summary>
    private void CloseForwarders()
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
