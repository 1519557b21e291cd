namespace Slipway.Queue.Workers;

/// <summary>
/// Runs one job. Return a result rather than throw (an exception counts as a failure with its message). The token
/// fires when the worker stops past its grace time or the lease was lost: stop then; the result is not recorded.
/// </summary>
public interface IJobHandler
{
    Task<JobResult> HandleAsync(LeasedJob job, CancellationToken ct);
}
