using Slipway.Supervisor.Config;
using Slipway.Supervisor.Logging;
using Slipway.Supervisor.Native;
using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Daemon;

/// <summary>
/// A child's pipes: its output goes to its log files and to the taps that want it (PROCESS_LOG and
/// PROCESS_COMMUNICATION events, syslog forwarding, ANSI stripping, an event listener's protocol channel);
/// its stdin takes sendProcessStdin and event notifications. Taps run on the output thread.
/// </summary>
public sealed class ChildOutput(OutputPump pump, ChildLogs logs, EventHub events, LogForwarding forwarding, bool stripAnsi, Action wake)
{
    /// <summary>Wires the output of a freshly spawned child (of a program or of an event listener).</summary>
    internal void Register(Subprocess process, SpawnedChild child, bool isListener)
    {
        var pid = child.Pid;
        if (isListener)
        {
            // A listener's stdout is the protocol channel (it is still logged); its stdout events are never raised.
            var channel = events.NewChannel(process);
            pump.Register(child.StdoutFd, () => logs.Of(process).Stdout, data =>
            {
                channel.Receive(data.ToArray());
                wake();
            });
        }
        else
        {
            Register(child.StdoutFd, process, pid, "stdout", process.Config.Stdout, () => logs.Of(process).Stdout);
        }

        if (child.StderrFd >= 0)
        {
            Register(child.StderrFd, process, pid, "stderr", process.Config.Stderr, () => logs.Of(process).Stderr);
        }
    }

    /// <summary>
    /// Reads one output channel of a run into its log. With <c>*_capture_maxbytes</c> above 0 the output goes
    /// through capture mode (BEGIN/END blocks become PROCESS_COMMUNICATION events); otherwise straight to the log.
    /// </summary>
    private void Register(int fd, Subprocess process, int pid, string channel, LogChannelConfig config, Func<RotatingLogFile?> log)
    {
        var tap = Tap(process, pid, channel, config.EventsEnabled);
        Func<RotatingLogFile?>? sink = log;
        if (stripAnsi)
        {
            // The stripped bytes are what is logged, forwarded and put in PROCESS_LOG events, as in supervisord.
            tap = new StripAnsiTap(log, tap).OnData;
            sink = null;
        }

        if (config.CaptureMaxBytes <= 0)
        {
            pump.Register(fd, sink, tap);
            return;
        }

        OutputTap? captured = config.EventsEnabled ? data => events.QueueLogEvent(process, pid, channel, data) : null;
        var capture = new CaptureTap(config.CaptureMaxBytes, sink, tap, captured, data => events.QueueCommunicationEvent(process, pid, channel, data));
        pump.Register(fd, null, capture.OnData, capture.OnClosed);
    }

    /// <summary>The output thread's hook for one channel of one run: PROCESS_LOG events and/or log forwarding.</summary>
    private OutputTap? Tap(Subprocess process, int pid, string channel, bool raiseEvents)
    {
        OutputTap? onEvents = raiseEvents ? data => events.QueueLogEvent(process, pid, channel, data) : null;
        if (forwarding.Tap(process, pid, channel) is not { } forward)
        {
            return onEvents;
        }

        return onEvents is null ? forward : data =>
        {
            onEvents(data);
            forward(data);
        };
    }

    /// <summary>Writes to the child's stdin (sendProcessStdin); false when the pipe is closed (EPIPE).</summary>
    public static unsafe bool WriteStdin(Subprocess process, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(data);
        if (process.Child is not { StdinFd: >= 0 } child)
        {
            return false;
        }

        fixed (byte* p = data)
        {
            var offset = 0;
            while (offset < data.Length)
            {
                var n = Posix.write(child.StdinFd, p + offset, data.Length - offset);
                if (n < 0)
                {
                    if (Posix.Errno is Posix.EIntr or Posix.EAgain)
                    {
                        Thread.Yield();
                        continue;
                    }

                    return false;
                }

                offset += (int)n;
            }
        }

        return true;
    }
}
