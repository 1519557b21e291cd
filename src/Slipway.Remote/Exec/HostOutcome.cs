using Slipway.Core.Config;

namespace Slipway.Remote.Exec;

/// <summary>How a command ended on one host.</summary>
public enum HostStatus
{
    Ok,
    Failed,
    ConnectionFailed,
    TimedOut,
    Cancelled,
}

/// <summary>One host's result of <c>slipway exec</c>; <see cref="Stdout"/>/<see cref="Stderr"/> are kept for --json only.</summary>
public sealed record HostOutcome(
    HostConfig Host,
    HostStatus Status,
    int? ExitCode,
    TimeSpan Duration,
    string? Error,
    string Stdout,
    string Stderr);
