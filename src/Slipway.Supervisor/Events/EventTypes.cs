using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Events;

/// <summary>
/// supervisord's event type names (events.py's EventTypes) and their class hierarchy: a listener subscribed to a
/// base class (PROCESS_STATE, TICK, EVENT...) receives every event of its subclasses.
/// </summary>
public static class EventTypes
{
    private static readonly Dictionary<string, string?> Parents = new(StringComparer.Ordinal)
    {
        ["EVENT"] = null,
        ["PROCESS_STATE"] = "EVENT",
        ["PROCESS_STATE_STOPPED"] = "PROCESS_STATE",
        ["PROCESS_STATE_EXITED"] = "PROCESS_STATE",
        ["PROCESS_STATE_STARTING"] = "PROCESS_STATE",
        ["PROCESS_STATE_STOPPING"] = "PROCESS_STATE",
        ["PROCESS_STATE_BACKOFF"] = "PROCESS_STATE",
        ["PROCESS_STATE_FATAL"] = "PROCESS_STATE",
        ["PROCESS_STATE_RUNNING"] = "PROCESS_STATE",
        ["PROCESS_STATE_UNKNOWN"] = "PROCESS_STATE",
        ["PROCESS_COMMUNICATION"] = "EVENT",
        ["PROCESS_COMMUNICATION_STDOUT"] = "PROCESS_COMMUNICATION",
        ["PROCESS_COMMUNICATION_STDERR"] = "PROCESS_COMMUNICATION",
        ["PROCESS_LOG"] = "EVENT",
        ["PROCESS_LOG_STDOUT"] = "PROCESS_LOG",
        ["PROCESS_LOG_STDERR"] = "PROCESS_LOG",
        ["REMOTE_COMMUNICATION"] = "EVENT",
        ["SUPERVISOR_STATE_CHANGE"] = "EVENT",
        ["SUPERVISOR_STATE_CHANGE_RUNNING"] = "SUPERVISOR_STATE_CHANGE",
        ["SUPERVISOR_STATE_CHANGE_STOPPING"] = "SUPERVISOR_STATE_CHANGE",
        ["TICK"] = "EVENT",
        ["TICK_5"] = "TICK",
        ["TICK_60"] = "TICK",
        ["TICK_3600"] = "TICK",
        ["PROCESS_GROUP"] = "EVENT",
        ["PROCESS_GROUP_ADDED"] = "PROCESS_GROUP",
        ["PROCESS_GROUP_REMOVED"] = "PROCESS_GROUP",
    };

    /// <summary>The TICK_N events and their periods in seconds.</summary>
    public static readonly IReadOnlyList<(string Name, int Period)> Ticks = [("TICK_5", 5), ("TICK_60", 60), ("TICK_3600", 3600)];

    public static bool IsKnown(string name) => Parents.ContainsKey(name);

    /// <summary>Whether a subscription to <paramref name="subscriptions"/> receives an event named <paramref name="name"/>.</summary>
    public static bool Matches(string name, IReadOnlySet<string> subscriptions)
    {
        var n = name;
        while (n is not null)
        {
            if (subscriptions.Contains(n))
            {
                return true;
            }

            n = Parents.GetValueOrDefault(n);
        }

        return false;
    }

    /// <summary>The event a process emits on entering <paramref name="state"/> (every state has one).</summary>
    public static string ForState(ProcessState state) => "PROCESS_STATE_" + ProcessStates.Name(state);
}
