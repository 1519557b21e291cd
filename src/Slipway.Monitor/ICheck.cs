namespace Slipway.Monitor;

/// <summary>One check, a Nagios plugin or a built-in: run it once, within a time-out.</summary>
public interface ICheck
{
    /// <summary>
    /// The result; a check that cannot finish in time returns UNKNOWN itself. Throws only
    /// <see cref="OperationCanceledException"/> when <paramref name="ct"/> is cancelled.
    /// </summary>
    Task<CheckResult> RunAsync(TimeSpan timeout, CancellationToken ct);
}
