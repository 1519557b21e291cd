namespace Slipway.Queue;

/// <summary>What a failure did to the job.</summary>
public enum FailOutcome
{
    /// <summary>Back to ready, visible again at <see cref="FailResult.RetryAt"/>.</summary>
    Retrying,

    /// <summary>Its attempts are spent: moved to the dead-letter list.</summary>
    Dead,

    /// <summary>The lease was no longer held (a newer attempt exists, or the job finished or was deleted): nothing changed.</summary>
    Refused,
}

public readonly record struct FailResult(FailOutcome Outcome, DateTimeOffset? RetryAt = null);
