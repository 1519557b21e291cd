namespace Slipway.Monitor;

public enum MonitorEventKind
{
    /// <summary>A non-OK result, or a different non-OK one, while the problem is not yet confirmed. Never alerted.</summary>
    SoftStateChange,

    /// <summary>A confirmed problem, or a confirmed problem changing (WARNING to CRITICAL). Alerted (PROBLEM).</summary>
    HardStateChange,

    /// <summary>OK again before the problem was confirmed. Never alerted.</summary>
    SoftRecovery,

    /// <summary>A confirmed problem ended (recover_after successes). Alerted (RECOVERY).</summary>
    Recovery,

    FlappingStart,
    FlappingStop,
}

/// <summary>
/// Something the alerts will act on. <see cref="Notify"/> says whether it should reach people; when it should not,
/// <see cref="SuppressedBecause"/> says why (downtime, acknowledged, flapping, or a SOFT change).
/// </summary>
public sealed record MonitorEvent
{
    public required string Check { get; init; }

    public required MonitorEventKind Kind { get; init; }

    public required ServiceState From { get; init; }

    public required ServiceState To { get; init; }

    public required StateType Type { get; init; }

    public required int Attempt { get; init; }

    public required DateTimeOffset At { get; init; }

    /// <summary>The result that caused it: its output is what an alert shows.</summary>
    public required CheckResult Result { get; init; }

    public double PercentStateChange { get; init; }

    public bool Notify => SuppressedBecause is null;

    public string? SuppressedBecause { get; init; }
}
