using Slipway.Monitor.Configuration;
using Slipway.Monitor.Scheduling;

namespace Slipway.Monitor.Service;

/// <summary>
/// Applies what <c>slipway monitor ack|downtime</c> recorded (<see cref="MonitorMarks"/>, by check id) to check statuses,
/// by the state machine's rules (pure apart from the swap of <see cref="Current"/>):
/// <list type="bullet">
/// <item>A check is in downtime while its downtime end is ahead, or while a deploy of its host runs; then it is out again.</item>
/// <item>An acknowledgement applies to a HARD problem only, and only when it was made after that problem turned HARD:
/// an ack written while the check was OK or SOFT, or before an earlier problem, does not silence the next one. A plain
/// acknowledgement ends at the next HARD change (the state machine clears it and it is not put back), and at recovery.</item>
/// <item>An acknowledgement removed from the file (<c>ack --remove</c>) is removed from the status.</item>
/// </list>
/// </summary>
public sealed class MarksApplier : ICheckMarks
{
    private volatile MonitorMarks _current = new();

    /// <summary>The marks in force; replaced whole when the file changes.</summary>
    public MonitorMarks Current
    {
        get => _current;
        set => _current = value ?? throw new ArgumentNullException(nameof(value));
    }

    public CheckStatus Apply(string check, CheckStatus status, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        var marks = _current;
        var inDowntime = marks.InDowntime(check, now);
        if (status.InDowntime != inDowntime)
        {
            status = CheckStateMachine.SetDowntime(status, inDowntime);
        }

        marks.Acknowledged.TryGetValue(check, out var ack);
        if (ack is null)
        {
            return status.Acknowledged ? CheckStateMachine.RemoveAcknowledgement(status) : status;
        }

        var hardProblem = status.Type == StateType.Hard && status.State != ServiceState.Ok;
        if (hardProblem && !status.Acknowledged && (status.LastHardStateChange is not { } since || ack.At >= since))
        {
            return CheckStateMachine.Acknowledge(status, sticky: false);
        }

        return status;
    }
}
