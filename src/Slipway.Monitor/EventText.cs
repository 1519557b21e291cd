using System.Globalization;

namespace Slipway.Monitor;

/// <summary>An event in a few words, as the console, alerts and the status page say it.</summary>
public static class EventText
{
    /// <summary>PROBLEM CRITICAL (was OK), RECOVERY OK (was CRITICAL), SOFT CRITICAL 1/3, soft recovery, FLAPPING START 24.2%.</summary>
    public static string Describe(MonitorEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Kind switch
        {
            MonitorEventKind.HardStateChange => $"PROBLEM {e.To.Label()} (was {e.From.Label()})",
            MonitorEventKind.Recovery => $"RECOVERY {e.To.Label()} (was {e.From.Label()})",
            MonitorEventKind.SoftStateChange => string.Create(CultureInfo.InvariantCulture, $"SOFT {e.To.Label()} attempt {e.Attempt}"),
            MonitorEventKind.SoftRecovery => $"soft recovery {e.To.Label()} (was {e.From.Label()})",
            MonitorEventKind.FlappingStart => string.Create(CultureInfo.InvariantCulture, $"FLAPPING START ({e.PercentStateChange:0.#}% state change)"),
            _ => string.Create(CultureInfo.InvariantCulture, $"FLAPPING STOP ({e.PercentStateChange:0.#}% state change)"),
        };
    }

    /// <summary>The notification type Nagios would send: PROBLEM, RECOVERY, FLAPPINGSTART, FLAPPINGSTOP; null for SOFT events.</summary>
    public static string? NotificationType(MonitorEventKind kind) => kind switch
    {
        MonitorEventKind.HardStateChange => "PROBLEM",
        MonitorEventKind.Recovery => "RECOVERY",
        MonitorEventKind.FlappingStart => "FLAPPINGSTART",
        MonitorEventKind.FlappingStop => "FLAPPINGSTOP",
        _ => null,
    };
}
