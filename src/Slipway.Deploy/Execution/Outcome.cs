using Slipway.Core.Config;
using Slipway.Deploy.Model;

namespace Slipway.Deploy.Execution;

public enum FailureKind
{
    /// <summary>A step exited non-zero.</summary>
    StepFailed,

    /// <summary>Check found something missing.</summary>
    CheckFailed,

    /// <summary>Another run holds the lock.</summary>
    Locked,

    /// <summary>Could not connect, or the connection was lost.</summary>
    Unreachable,

    TimedOut,

    Cancelled,
}

/// <summary>What went wrong on one host, in which phase and step, with the tail of that step's output.</summary>
public sealed record HostFailure(
    HostConfig Host, string Phase, string? Step, FailureKind Kind, string Message, IReadOnlyList<string> Tail)
{
    public IReadOnlyList<string> Missing { get; init; } = [];

    public LockRecord? Lock { get; init; }
}

/// <summary>What a run left a host as, for the reader and for the exit code: the words are in <see cref="HostReport.Note"/>.</summary>
public enum HostFate
{
    /// <summary>The run did what was asked here (the new release live, rolled back, cleaned, unlocked, ready).</summary>
    Done,

    /// <summary>As it was before the run: nothing was changed, or every change was undone.</summary>
    Unchanged,

    /// <summary>Left as the failure found it, on purpose (<c>--no-auto-rollback</c>).</summary>
    LeftAsIs,

    /// <summary>Not known: an undo failed or the host could not be read. Check it before the next deploy.</summary>
    Unknown,
}

/// <summary>Where a host stands after a run: the release <c>current</c> points to, its fate, and what that means.</summary>
public sealed record HostReport(HostConfig Host, string? Current, HostFate Fate, string Note);

public enum RunResult
{
    /// <summary>Everything asked for was done.</summary>
    Succeeded,

    /// <summary>Stopped before changing anything (check failed, lock held, bad input).</summary>
    NothingChanged,

    /// <summary>Failed and every change was undone: all hosts are as before.</summary>
    RolledBack,

    /// <summary>Failed and not everything could be undone (or --no-auto-rollback): see each host's report.</summary>
    Incomplete,
}

/// <summary>The result of a deploy, rollback, check, cleanup or unlock over all selected hosts.</summary>
public sealed record RunOutcome
{
    public required string Action { get; init; }

    public required RunResult Result { get; init; }

    public string? Release { get; init; }

    public string? Commit { get; init; }

    public string? Branch { get; init; }

    public IReadOnlyList<HostFailure> Failures { get; init; } = [];

    public IReadOnlyList<HostReport> Hosts { get; init; } = [];

    public bool Cancelled { get; init; }

    public TimeSpan Duration { get; init; }

    public string? LogPath { get; init; }

    public string? Error { get; init; }

    /// <summary>
    /// A host was unreachable or lost (exit 3): a connection failed, or a host stopped answering while being put back
    /// (a time-out in undo, revert or unlock leaves its state unknown). A time-out in update or publish alone is a
    /// failed step: the undo that follows reaches the host and puts it back.
    /// </summary>
    public bool ConnectionLost => Failures.Any(f => f.Kind == FailureKind.Unreachable
        || (f.Kind == FailureKind.TimedOut && f.Phase is "undo" or "revert" or "unlock"));
}
