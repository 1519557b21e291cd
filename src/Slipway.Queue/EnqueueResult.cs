namespace Slipway.Queue;

/// <summary>The job's id; <see cref="Created"/> is false when an idempotency key matched a job already stored.</summary>
public readonly record struct EnqueueResult(long JobId, bool Created);
