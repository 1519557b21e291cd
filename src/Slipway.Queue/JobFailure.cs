namespace Slipway.Queue;

/// <summary>Why an attempt failed, and what it printed (kept with the job, cut to the engine's output limit).</summary>
public sealed record JobFailure(string Message, string? Output = null);
