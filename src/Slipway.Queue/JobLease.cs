namespace Slipway.Queue;

/// <summary>
/// The fence every state change after a lease carries: the job id and the attempt number it was leased with. The
/// attempt only grows (each lease adds one), so once a job was leased again, nothing holding an older attempt can
/// complete, fail, extend or give it back.
/// </summary>
public readonly record struct JobLease(long JobId, int Attempt);
