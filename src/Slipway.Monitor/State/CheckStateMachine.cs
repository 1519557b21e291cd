namespace Slipway.Monitor;

/// <summary>
/// The Nagios state logic as a pure function: one result in, the next status and the events out. The rules
/// (docs/monitor.md has them with examples):
/// <list type="bullet">
/// <item>From OK, a problem is SOFT, attempt 1 of max_check_attempts; each further problem result counts an attempt;
/// at the last one it turns HARD (a PROBLEM). max_check_attempts 1 makes it HARD at once.</item>
/// <item>OK during a SOFT problem is a soft recovery: nothing was alerted, nothing is.</item>
/// <item>A HARD problem ends after recover_after OK results in a row (a RECOVERY); a HARD problem that changes
/// (WARNING to CRITICAL) is a new HARD change.</item>
/// <item>Flap history records HARD states and soft recoveries only (SOFT problems are not yet facts), as Nagios.</item>
/// <item>Events in downtime, of an acknowledged problem, or while flapping are kept but not notified.</item>
/// </list>
/// </summary>
public static class CheckStateMachine
{
    public sealed record Transition(CheckStatus Status, IReadOnlyList<MonitorEvent> Events);

    public static Transition Apply(string check, CheckStatus status, CheckResult result, DateTimeOffset now, CheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(options);
        var events = new List<MonitorEvent>();
        var next = Judge(status, result, options, out var kind);
        next = next with { LastResult = result, LastCheck = now };
        if (next.State != status.State)
        {
            next = next with { LastStateChange = now };
        }

        if (kind is MonitorEventKind.HardStateChange or MonitorEventKind.Recovery)
        {
            next = next with { LastHardStateChange = now, LastHardState = next.State };
            next = ClearAcknowledgement(next);
        }

        next = UpdateFlapping(next, result, options.Flapping, out var flapKind);
        if (kind is { } k)
        {
            // A HARD change or a recovery is told from the last HARD state (OK for a problem that was SOFT before).
            var from = k is MonitorEventKind.HardStateChange or MonitorEventKind.Recovery ? status.LastHardState : status.State;
            events.Add(Event(check, k, from, next, result, now));
        }

        if (flapKind is { } f)
        {
            events.Add(Event(check, f, status.State, next, result, now));
        }

        return new Transition(next, events);
    }

    public static CheckStatus Acknowledge(CheckStatus status, bool sticky)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (status.State == ServiceState.Ok || status.Type != StateType.Hard)
        {
            throw new InvalidOperationException("only a HARD problem can be acknowledged; this check is " +
                $"{status.State.Label()} ({status.Type.ToString().ToUpperInvariant()})");
        }

        return status with { Acknowledged = true, AcknowledgementSticky = sticky };
    }

    public static CheckStatus RemoveAcknowledgement(CheckStatus status) =>
        status with { Acknowledged = false, AcknowledgementSticky = false };

    public static CheckStatus SetDowntime(CheckStatus status, bool inDowntime) => status with { InDowntime = inDowntime };

    private static CheckStatus Judge(CheckStatus status, CheckResult result, CheckOptions options,
        out MonitorEventKind? kind)
    {
        kind = null;
        var state = result.State;
        var problem = state != ServiceState.Ok;
        if (status.State == ServiceState.Ok)
        {
            if (!problem)
            {
                return status with { Type = StateType.Hard, Attempt = 1, OkStreak = 0 };
            }

            var hardNow = options.MaxCheckAttempts <= 1;
            kind = hardNow ? MonitorEventKind.HardStateChange : MonitorEventKind.SoftStateChange;
            return status with { State = state, Type = hardNow ? StateType.Hard : StateType.Soft, Attempt = 1, OkStreak = 0 };
        }

        if (status.Type == StateType.Soft)
        {
            if (!problem)
            {
                kind = MonitorEventKind.SoftRecovery;
                return status with { State = ServiceState.Ok, Type = StateType.Hard, Attempt = 1, OkStreak = 0 };
            }

            var attempt = Math.Min(status.Attempt + 1, options.MaxCheckAttempts);
            if (attempt >= options.MaxCheckAttempts)
            {
                kind = MonitorEventKind.HardStateChange;
                return status with { State = state, Type = StateType.Hard, Attempt = attempt };
            }

            kind = state != status.State ? MonitorEventKind.SoftStateChange : null;
            return status with { State = state, Attempt = attempt };
        }

        // A HARD problem.
        if (!problem)
        {
            var streak = status.OkStreak + 1;
            if (streak < options.RecoverAfter)
            {
                return status with { OkStreak = streak };
            }

            kind = MonitorEventKind.Recovery;
            return status with { State = ServiceState.Ok, Type = StateType.Hard, Attempt = 1, OkStreak = 0 };
        }

        if (state != status.State)
        {
            kind = MonitorEventKind.HardStateChange;
        }

        return status with { State = state, OkStreak = 0 };
    }

    /// <summary>A recovery ends every acknowledgement; another HARD change ends a plain (not sticky) one.</summary>
    private static CheckStatus ClearAcknowledgement(CheckStatus status) =>
        status.Acknowledged && (status.State == ServiceState.Ok || !status.AcknowledgementSticky)
            ? RemoveAcknowledgement(status)
            : status;

    private static CheckStatus UpdateFlapping(CheckStatus status, CheckResult result, FlapDetectionOptions options,
        out MonitorEventKind? kind)
    {
        kind = null;
        if (status.Type == StateType.Soft && result.State != ServiceState.Ok)
        {
            return status;
        }

        var history = status.History.Record(result.State);
        var percent = history.PercentStateChange();
        var flapping = status.IsFlapping;
        if (options.Enabled)
        {
            if (percent <= options.LowThreshold)
            {
                flapping = false;
            }
            else if (percent >= options.HighThreshold)
            {
                flapping = true;
            }
        }
        else
        {
            flapping = false;
        }

        if (flapping != status.IsFlapping)
        {
            kind = flapping ? MonitorEventKind.FlappingStart : MonitorEventKind.FlappingStop;
        }

        return status with { History = history, PercentStateChange = percent, IsFlapping = flapping };
    }

    private static MonitorEvent Event(string check, MonitorEventKind kind, ServiceState from, CheckStatus next,
        CheckResult result, DateTimeOffset now) => new()
    {
        Check = check,
        Kind = kind,
        From = from,
        To = next.State,
        Type = next.Type,
        Attempt = next.Attempt,
        At = now,
        Result = result,
        PercentStateChange = next.PercentStateChange,
        SuppressedBecause = SuppressionOf(kind, next),
    };

    private static string? SuppressionOf(MonitorEventKind kind, CheckStatus next) => kind switch
    {
        MonitorEventKind.SoftStateChange or MonitorEventKind.SoftRecovery => "soft state",
        _ when next.InDowntime => "in downtime",
        MonitorEventKind.HardStateChange when next.Acknowledged => "acknowledged",
        MonitorEventKind.HardStateChange or MonitorEventKind.Recovery when next.IsFlapping => "flapping",
        _ => null,
    };
}
