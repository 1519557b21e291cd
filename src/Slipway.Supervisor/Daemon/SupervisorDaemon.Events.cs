using System.Collections.Concurrent;
using Slipway.Supervisor.Events;
using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Daemon;

/// <summary>
/// Events (events.py): what happens is turned into <see cref="SupervisorEvent"/>s, offered to every
/// <c>[eventlistener:x]</c> pool that subscribes, and handed to listeners by the main loop. Everything here runs
/// under the gate except what the output thread queues.
/// </summary>
public sealed partial class SupervisorDaemon
{
    private readonly List<EventListenerPool> _pools = [];
    private readonly Dictionary<Subprocess, ListenerChannel> _channels = [];
    private readonly ConcurrentQueue<(Subprocess Process, int Pid, string Channel, byte[] Data, bool Communication)> _outputEvents = new();
    private readonly Dictionary<int, long> _ticks = [];
    private long _globalSerial = -1;
    private bool _stoppingNotified;

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

    private bool HasPools => _pools.Count > 0;

    /// <summary>The protocol state of a listener's current run (null for a program, or a listener never started).</summary>
    public ListenerChannel? ListenerOf(Subprocess process) => _channels.GetValueOrDefault(process);

    /// <summary>A listener was spawned: a fresh protocol state (ACKNOWLEDGED) fed by its stdout.</summary>
    private ListenerChannel NewChannel(Subprocess process)
    {
        var channel = new ListenerChannel(process.Config.Name, Log.Write);
        _channels[process] = channel;
        return channel;
    }

    /// <summary>Output thread: a PROCESS_LOG event to raise under the gate.</summary>
    private void QueueLogEvent(Subprocess process, int pid, string channel, ReadOnlySpan<byte> data)
    {
        _outputEvents.Enqueue((process, pid, channel, data.ToArray(), false));
        Wake();
    }

    /// <summary>Output thread: a capture block ended; its PROCESS_COMMUNICATION event is raised under the gate.</summary>
    private void QueueCommunicationEvent(Subprocess process, int pid, string channel, byte[] data)
    {
        _outputEvents.Enqueue((process, pid, channel, data, true));
        Wake();
    }

    /// <summary>Main loop, first: listener replies (READY, RESULT) and queued PROCESS_LOG / PROCESS_COMMUNICATION events, in the order they happened.</summary>
    private void ReadEventInput()
    {
        while (_outputEvents.TryDequeue(out var item))
        {
            if (item.Communication)
            {
                Notify(SupervisorEvent.ProcessCommunication(item.Process, item.Pid, item.Channel, item.Data));
                Log.Write("debug", $"'{item.Process.Config.Name}' {item.Channel} emitted a comm event");
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

    private EventListenerPool? PoolOf(Subprocess process) => FindGroup(process.GroupName)?.Pool;

    /// <summary>A listener died: the event it was working on goes back to the head of its pool's buffer.</summary>
    private void ListenerFinished(Subprocess process)
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

    private void DispatchEvents(ProcessGroup group)
    {
        if (group.Pool is not { } pool)
        {
            return;
        }

        var members = group.Processes.Select(p => new PoolMember(p, _channels.GetValueOrDefault(p))).ToList();
        pool.Dispatch(members, Config.Daemon.Identifier, WriteStdin);
    }

    /// <summary>TICK_5/60/3600 when their time slice rolls over (supervisord.py's tick).</summary>
    private void Tick()
    {
        if (!HasPools)
        {
            return;
        }

        var now = (long)Now;
        foreach (var (name, period) in EventTypes.Ticks)
        {
            var slice = now - (now % period);
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
    private double? NextTick()
    {
        if (!_pools.Any(p => p.Subscribes("TICK_5") || p.Subscribes("TICK_60") || p.Subscribes("TICK_3600")))
        {
            return null;
        }

        var now = Now;
        return now - (now % 5) + 5 + 0.001;
    }

    private void NotifyStopping()
    {
        if (!_stoppingNotified)
        {
            _stoppingNotified = true;
            Notify(SupervisorEvent.SupervisorState("SUPERVISOR_STATE_CHANGE_STOPPING"));
        }
    }
}
