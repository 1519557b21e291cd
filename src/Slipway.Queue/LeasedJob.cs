namespace Slipway.Queue;

/// <summary>
/// A job handed to a worker until <see cref="LeasedUntil"/> (extended by heartbeats). Attempt is the fencing number
/// (it grows with every lease, see <see cref="JobLease"/>); AttemptsUsed counts against MaxAttempts, this one
/// included (a job given back or replayed does not spend its attempts).
/// </summary>
public sealed record LeasedJob(
    long Id,
    string Queue,
    string Payload,
    int Priority,
    int Attempt,
    int AttemptsUsed,
    int MaxAttempts,
    DateTimeOffset LeasedUntil)
{
    public JobLease Lease => new(Id, Attempt);
}
