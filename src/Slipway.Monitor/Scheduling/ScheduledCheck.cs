namespace Slipway.Monitor.Scheduling;

/// <summary>A check with its name (unique in a scheduler) and its options.</summary>
public sealed record ScheduledCheck(string Name, ICheck Check, CheckOptions Options)
{
    /// <summary>
    /// Run elsewhere (<c>run_on: agent</c>): the scheduler never runs it, its results come in through
    /// <see cref="CheckScheduler.SubmitAsync"/>.
    /// </summary>
    public bool Passive { get; init; }
}

/// <summary>Scheduler-wide settings.</summary>
public sealed record SchedulerOptions
{
    /// <summary>Checks running at once; further due checks wait (their wait shows as lateness).</summary>
    public int MaxConcurrency { get; init; } = 16;

    /// <summary>Acknowledgements and downtimes set from outside (slipway monitor ack|downtime), applied before each result is judged.</summary>
    public ICheckMarks? Marks { get; init; }
}

/// <summary>
/// Operator marks on a check's status: applied to the status just before a result is judged, so the state machine
/// records the events of a check in downtime or an acknowledged problem with the reason they are not notified.
/// </summary>
public interface ICheckMarks
{
    CheckStatus Apply(string check, CheckStatus status, DateTimeOffset now);
}

/// <summary>One finished run: when it was due and started, what it found, what the state machine made of it.</summary>
public sealed record CheckRun(
    string Check,
    DateTimeOffset Due,
    DateTimeOffset Started,
    CheckResult Result,
    CheckStatus Status,
    IReadOnlyList<MonitorEvent> Events,
    DateTimeOffset NextDue)
{
    /// <summary>How late the run started: the scheduler's own delay, what the benchmark holds under 1 s.</summary>
    public TimeSpan Lateness => Started - Due;
}

/// <summary>Where finished runs go: the results store and the alerts, later; a list in tests.</summary>
public interface ICheckRunSink
{
    ValueTask RecordAsync(CheckRun run, CancellationToken ct);
}
