namespace Slipway.Queue;

/// <summary>One success to record, with the output to keep.</summary>
public readonly record struct JobCompletion(JobLease Lease, string? Output = null);
