using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Slipway.Supervisor.Events;

/// <summary>supervisord's EventListenerStates, with its codes.</summary>
public enum ListenerState
{
    Ready = 10,
    Busy = 20,
    Acknowledged = 30,
    Unknown = 40,
}

/// <summary>
/// One run of an event listener process, seen through its stdout (dispatchers.py's PEventListenerDispatcher): it
/// starts ACKNOWLEDGED, <c>READY\n</c> makes it READY, an event sent makes it BUSY, and <c>RESULT N\n</c> plus N
/// bytes (<c>OK</c> or anything else, which rejects the event) makes it ACKNOWLEDGED again. Anything else is a
/// protocol violation: UNKNOWN, and no more events. The output thread queues what it reads
/// (<see cref="Receive"/>); the daemon feeds it through <see cref="Process"/> under its lock.
/// </summary>
public sealed class ListenerChannel(string processName, Action<string, string> log)
{
    private static readonly byte[] ReadyToken = "READY\n"u8.ToArray();
    private static readonly byte[] ResultToken = "RESULT "u8.ToArray();
    private readonly ConcurrentQueue<byte[]> _inbox = new();
    private readonly List<byte> _buffer = [];
    private readonly List<byte> _result = [];
    private int? _resultLength;

    public ListenerState State { get; private set; } = ListenerState.Acknowledged;

    /// <summary>The event being processed while BUSY.</summary>
    public SupervisorEvent? Event { get; private set; }

    /// <summary>Called by the output thread with a copy of what the listener wrote.</summary>
    public void Receive(byte[] data) => _inbox.Enqueue(data);

    /// <summary>Marks the listener BUSY with <paramref name="e"/> (it has just been written to its stdin).</summary>
    public void Sent(SupervisorEvent e)
    {
        Change(ListenerState.Busy);
        Event = e;
    }

    /// <summary>Takes back the event in progress (the listener died while BUSY): the pool sends it again.</summary>
    public SupervisorEvent? TakeEvent()
    {
        var e = Event;
        Event = null;
        return e;
    }

    /// <summary>Parses what arrived; returns the events the listener rejected (to be buffered again).</summary>
    public List<SupervisorEvent> Process()
    {
        var rejected = new List<SupervisorEvent>();
        var any = false;
        while (_inbox.TryDequeue(out var chunk))
        {
            _buffer.AddRange(chunk);
            any = true;
        }

        if (any)
        {
            Advance(rejected);
        }

        return rejected;
    }

    private void Advance(List<SupervisorEvent> rejected)
    {
        while (_buffer.Count > 0)
        {
            switch (State)
            {
                case ListenerState.Unknown:
                    _buffer.Clear();
                    return;
                case ListenerState.Acknowledged:
                    if (_buffer.Count < ReadyToken.Length)
                    {
                        return;
                    }

                    var ready = StartsWith(ReadyToken);
                    _buffer.RemoveRange(0, ready ? ReadyToken.Length : _buffer.Count);
                    Event = null;
                    Change(ready ? ListenerState.Ready : ListenerState.Unknown);
                    break;
                case ListenerState.Ready:
                    // Output while READY is spurious: supervisord is strict about it.
                    _buffer.Clear();
                    Event = null;
                    Change(ListenerState.Unknown);
                    return;
                case ListenerState.Busy:
                    if (!AdvanceBusy(rejected))
                    {
                        return;
                    }

                    break;
            }
        }
    }

    /// <summary>Reads the RESULT line and body; false when more bytes are needed.</summary>
    private bool AdvanceBusy(List<SupervisorEvent> rejected)
    {
        if (_resultLength is null)
        {
            var newline = _buffer.IndexOf((byte)'\n');
            if (newline < 0)
            {
                return false;
            }

            var line = _buffer.GetRange(0, newline).ToArray();
            _buffer.RemoveRange(0, newline + 1);
            var text = Encoding.UTF8.GetString(line);
            var lengthText = line.Length >= ResultToken.Length ? Encoding.UTF8.GetString(line, ResultToken.Length, line.Length - ResultToken.Length) : "";
            if (!int.TryParse(lengthText.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var length))
            {
                log("warn", $"{processName}: bad result line: '{text}'");
                Change(ListenerState.Unknown);
                _buffer.Clear();
                Reject(rejected);
                return false;
            }

            _resultLength = length;
        }

        var needed = _resultLength.Value - _result.Count;
        var take = Math.Min(needed, _buffer.Count);
        _result.AddRange(_buffer.GetRange(0, take));
        _buffer.RemoveRange(0, take);
        if (_result.Count < _resultLength.Value)
        {
            return false;
        }

        var ok = _result.Count == 2 && _result[0] == (byte)'O' && _result[1] == (byte)'K';
        _result.Clear();
        _resultLength = null;
        if (ok)
        {
            log("debug", $"{processName}: event was processed");
            Change(ListenerState.Acknowledged);
            Event = null;
        }
        else
        {
            log("warn", $"{processName}: event was rejected");
            Change(ListenerState.Acknowledged);
            Reject(rejected);
        }

        return true;
    }

    private void Reject(List<SupervisorEvent> rejected)
    {
        if (Event is { } e)
        {
            rejected.Add(e);
        }

        Event = null;
    }

    private bool StartsWith(byte[] token)
    {
        for (var i = 0; i < token.Length; i++)
        {
            if (_buffer[i] != token[i])
            {
                return false;
            }
        }

        return true;
    }

    private void Change(ListenerState next)
    {
        log("debug", $"{processName}: {State.ToString().ToUpperInvariant()} -> {next.ToString().ToUpperInvariant()}");
        State = next;
        if (next == ListenerState.Unknown)
        {
            log("warn", $"{processName}: has entered the UNKNOWN state and will no longer receive events, this usually indicates the process violated the eventlistener protocol");
        }
    }
}
