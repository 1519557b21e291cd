namespace Slipway.Core.Config;

/// <summary><c>promote:</c>: code moves from one stage to the next only after it has been live there long enough.</summary>
public sealed record PromoteConfig
{
    public required string From { get; init; }

    public required string To { get; init; }

    /// <summary>How long a commit must have been live on <see cref="From"/> before it may be promoted.</summary>
    public TimeSpan MinAge { get; init; }

    public SourceLocation Location { get; init; }
}
