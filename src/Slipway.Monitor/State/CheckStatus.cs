namespace Slipway.Monitor;

/// <summary>SOFT while a problem is being re-checked, HARD once confirmed (and for OK).</summary>
public enum StateType
{
    Soft,
    Hard,
}

/// <summary>
/// Everything the state machine knows about one check between two results. Immutable: <see cref="CheckStateMachine"/>
/// returns a new one per result.
/// </summary>
public sealed record CheckStatus
{
    public ServiceState State { get; init; } = ServiceState.Ok;

    public StateType Type { get; init; } = StateType.Hard;

    /// <summary>1 while OK; the number of non-OK results in a row while a problem is SOFT; capped at max_check_attempts.</summary>
    public int Attempt { get; init; } = 1;

    public ServiceState LastHardState { get; init; } = ServiceState.Ok;

    /// <summary>OK results in a row while a HARD problem waits for recover_after of them.</summary>
    public int OkStreak { get; init; }

    /// <summary>Null until the first result (Nagios's PENDING).</summary>
    public CheckResult? LastResult { get; init; }

    public DateTimeOffset? LastCheck { get; init; }

    public DateTimeOffset? LastStateChange { get; init; }

    public DateTimeOffset? LastHardStateChange { get; init; }

    public FlapHistory History { get; init; } = FlapHistory.Empty;

    public double PercentStateChange { get; init; }

    public bool IsFlapping { get; init; }

    /// <summary>Someone owns the current problem: its HARD changes are recorded but not alerted.</summary>
    public bool Acknowledged { get; init; }

    /// <summary>A sticky acknowledgement lasts until OK; a plain one ends at the next HARD change of state.</summary>
    public bool AcknowledgementSticky { get; init; }

    /// <summary>Scheduled downtime (a deploy, maintenance): changes are recorded, none is alerted.</summary>
    public bool InDowntime { get; init; }

    public bool IsPending => LastResult is null;

    /// <summary>A HARD problem that has had some, not yet enough, successes.</summary>
    public bool IsRecovering => Type == StateType.Hard && State != ServiceState.Ok && OkStreak > 0;
}
