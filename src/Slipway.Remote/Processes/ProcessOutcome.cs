namespace Slipway.Remote.Processes;

/// <summary>How a local child process ended.</summary>
internal sealed record ProcessOutcome(int ExitCode, TimeSpan Duration, IReadOnlyList<string> StdoutTail, IReadOnlyList<string> StderrTail)
{
    public CommandResult ToResult() => new(ExitCode, Duration, StdoutTail, StderrTail);
}
