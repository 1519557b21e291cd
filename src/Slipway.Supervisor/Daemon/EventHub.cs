using System.Collections.Concurrent;
using Slipway.Supervisor.Events;
using Slipway.Supervisor.Logging;
using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Daemon;

/// <summary>
/// Events (events.py): what happens is turned into <see cref="SupervisorEvent"/>s, offered to every
/// <c>[eventlistener:x]</c> pool that subscribes, and handed to listeners by the main loop. Everything here runs
/// under the gate except what the output thread queues.
/// </summary>
public sealed class EventHub(MainLog log, Action wake, Func<double> now, Func<string, ProcessGroup?> findGroup)
{
    private readonly List<EventListenerPool> _pools = [];
    private readonly Dictionary<Subprocess, ListenerChannel> _channels = [];
    private readonly ConcurrentQueue<(Subprocess Process, int Pid, string Channel, byte[] Data, bool Communication)> _outputEvents = new();
    private readonly Dictionary<int, long> _ticks = [];
    private long _globalSerial = -1;
    private bool _stoppingNotified;

    internal void AddPool(EventListenerPool pool) => _pools.Add(pool);

    internal void RemovePool(EventListenerPool pool) => _pools.Remove(pool);

    /// <summary>The process left the daemon (its group or its numprocs slot was removed).</summary>
    internal void Forget(Subprocess process) => _channels.Remove(process);

    /// <summary>Offers <paramref name="e"/> to every pool that subscribes to it (in the order the pools were added).</summary>
    public void Notify(SupervisorEvent e)
    {
        foreach (var pool in _pools)
        {
            if (pool.Subscribes(e.Name))
            {
                pool.Accept(e, NextSerial);
            }
        }
    }

    private long NextSerial() => _globalSerial = _globalSerial == long.MaxValue ? 0 : _globalSerial + 1;

    public bool HasPools => _pools.Count > 0;

    /// <summary>The protocol state of a listener's current run (null for a program, or a listener never started).</summary>
    public ListenerChannel? ListenerOf(Subprocess process) => _channels.GetValueOrDefault(process);

    /// <summary>A listener was spawned: a fresh protocol state (ACKNOWLEDGED) fed by its stdout.</summary>
    internal ListenerChannel NewChannel(Subprocess process)
    {
        var channel = new ListenerChannel(process.Config.Name, log.Write);
        _channels[process] = channel;
        return channel;
    }

    /// <summary>Output thread: a PROCESS_LOG event to raise under the gate.</summary>
    internal void QueueLogEvent(Subprocess process, int pid, string channel, ReadOnlySpan<byte> data)
    {
        _outputEvents.Enqueue((process, pid, channel, data.ToArray(), false));
        wake();
    }

    /// <summary>Output thread: a capture block ended; its PROCESS_COMMUNICATION event is raised under the gate.</summary>
    internal void QueueCommunicationEvent(Subprocess process, int pid, string channel, byte[] data)
    {
        _outputEvents.Enqueue((process, pid, channel, data, true));
        wake();
    }

    /// <summary>Main loop, first: listener replies (READY, RESULT) and queued PROCESS_LOG / PROCESS_COMMUNICATION events, in the order they happened.</summary>
    internal void ReadInput()
    {
        while (_outputEvents.TryDequeue(out var item))
        {
            if (item.Communication)
            {
                Notify(SupervisorEvent.ProcessCommunication(item.Process, item.Pid, item.Channel, item.Data));
                log.Write("debug", $"'{item.Process.Config.Name}' {item.Channel} emitted a comm event");
            }
            else
            {
                Notify(SupervisorEvent.ProcessLog(item.Process, item.Pid, item.Channel, item.Data));
            }
        }

        foreach (var (process, channel) in _channels)
        {
            foreach (var rejected in channel.Process())
            {
                PoolOf(process)?.Accept(rejected, NextSerial, head: true);
            }
        }
    }

    private EventListenerPool? PoolOf(Subprocess process) => findGroup(process.GroupName)?.Pool;

    /// <summary>A listener died: the event it was working on goes back to the head of its pool's buffer.</summary>
    internal void ListenerFinished(Subprocess process)
    {
        if (_channels.TryGetValue(process, out var channel))
        {
            foreach (var rejected in channel.Process())
            {
                PoolOf(process)?.Accept(rejected, NextSerial, head: true);
            }

            if (channel.TakeEvent() is { } e)
            {
                PoolOf(process)?.Accept(e, NextSerial, head: true);
            }
        }
    }

    internal void Dispatch(ProcessGroup group, string identifier, Func<Subprocess, byte[], bool> writeStdin)
    {
        if (group.Pool is not { } pool)
        {
            return;
        }

        var members = group.Processes.Select(p => new PoolMember(p, _channels.GetValueOrDefault(p))).ToList();
        pool.Dispatch(members, identifier, writeStdin);
    }

    /// <summary>TICK_5/60/3600 when their time slice rolls over (supervisord.py's tick).</summary>
    internal void Tick()
    {
        if (!HasPools)
        {
            return;
        }

        var second = (long)now();
        foreach (var (name, period) in EventTypes.Ticks)
        {
            var slice = second - (second % period);
            if (!_ticks.TryGetValue(period, out var last))
            {
                _ticks[period] = slice;
            }
            else if (slice != last)
            {
                _ticks[period] = slice;
                Notify(SupervisorEvent.Tick(name, slice));
            }
        }
    }

    /// <summary>When the loop must wake for the next TICK_5 (only when some pool wants ticks).</summary>
    internal double? NextTick()
    {
        if (!_pools.Any(p => p.Subscribes("TICK_5") || p.Subscribes("TICK_60") || p.Subscribes("TICK_3600")))
        {
            return null;
        }

        var at = now();
        return at - (at % 5) + 5 + 0.001;
    }

    internal void NotifyStopping()
    {
        if (!_stoppingNotified)
        {
            _stoppingNotified = true;
            Notify(SupervisorEvent.SupervisorState("SUPERVISOR_STATE_CHANGE_STOPPING"));
        }
    }
}
