namespace Slipway.Remote;

/// <summary>How a remote command ended. The last lines of output are kept for error messages.</summary>
public sealed record CommandResult(int ExitCode, TimeSpan Duration, IReadOnlyList<string> StdoutTail, IReadOnlyList<string> StderrTail)
{
    public bool Succeeded => ExitCode == 0;
}
