namespace Slipway.Queue;

/// <summary>
/// Where a job is. "Scheduled" is not a state: it is a <see cref="Ready"/> job whose visible time is still ahead
/// (delayed, or waiting out a retry's backoff). The numbers are stored in the engines' tables: never renumber.
/// </summary>
public enum JobState
{
    Ready = 0,
    Running = 1,
    Succeeded = 2,
    Dead = 3,
}
