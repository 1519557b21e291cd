using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Events;

/// <summary>A listener of a pool: its process and the protocol state of its current run (null before the first spawn).</summary>
public readonly record struct PoolMember(Subprocess Process, ListenerChannel? Channel);

/// <summary>
/// An <c>[eventlistener:x]</c> pool (process.py's EventListenerPool): a bounded buffer of the events it subscribes
/// to (the oldest is dropped when full), handed one at a time to a RUNNING listener that is READY. An event a
/// listener rejects or dies with goes back to the head of the buffer.
/// </summary>
public sealed class EventListenerPool(string name, int bufferSize, IReadOnlySet<string> subscriptions, Action<string, string> log)
{
    private readonly LinkedList<SupervisorEvent> _buffer = new();
    private long _serial = -1;

    public string Name { get; } = name;

    public IReadOnlySet<string> Subscriptions { get; } = subscriptions;

    public int Buffered => _buffer.Count;

    public bool Subscribes(string eventName) => EventTypes.Matches(eventName, Subscriptions);

    /// <summary>Buffers <paramref name="e"/>; <paramref name="nextGlobalSerial"/> numbers it if no pool has yet.</summary>
    public void Accept(SupervisorEvent e, Func<long> nextGlobalSerial, bool head = false)
    {
        if (e.Serial < 0)
        {
            e.Serial = nextGlobalSerial();
        }

        if (!e.PoolSerials.ContainsKey(Name))
        {
            _serial = _serial == long.MaxValue ? 0 : _serial + 1;
            e.PoolSerials[Name] = _serial;
        }
        else
        {
            log("debug", $"rebuffering event {e.Serial} for pool {Name} (buf size={_buffer.Count}, max={bufferSize})");
        }

        if (_buffer.Count >= bufferSize)
        {
            var discarded = _buffer.First!.Value;
            _buffer.RemoveFirst();
            log("error", $"pool {Name} event buffer overflowed, discarding event {discarded.Serial}");
        }

        if (head)
        {
            _buffer.AddFirst(e);
        }
        else
        {
            _buffer.AddLast(e);
        }
    }

    /// <summary>
    /// Sends buffered events, oldest first, to listeners that can take one; stops at the first event no listener
    /// can take. <paramref name="write"/> writes to a listener's stdin (false on EPIPE: try the next listener).
    /// </summary>
    public void Dispatch(IReadOnlyList<PoolMember> members, string identifier, Func<Subprocess, byte[], bool> write)
    {
        if (!members.Any(m => m.Process.State == ProcessState.Running && m.Channel is { State: ListenerState.Ready }))
        {
            return;
        }

        while (_buffer.First is { } first)
        {
            var e = first.Value;
            _buffer.RemoveFirst();
            if (!Send(e, members, identifier, write))
            {
                Accept(e, () => e.Serial, head: true);
                return;
            }
        }
    }

    private bool Send(SupervisorEvent e, IReadOnlyList<PoolMember> members, string identifier, Func<Subprocess, byte[], bool> write)
    {
        foreach (var (process, channel) in members)
        {
            if (process.State != ProcessState.Running || channel is not { State: ListenerState.Ready })
            {
                continue;
            }

            if (!write(process, e.Envelope(identifier, Name)))
            {
                log("debug", $"epipe occurred while sending event {e.Serial} to listener {process.Config.Name}, listener state unchanged");
                continue;
            }

            channel.Sent(e);
            log("debug", $"event {e.Serial} sent to listener {process.Config.Name}");
            return true;
        }

        return false;
    }
}
