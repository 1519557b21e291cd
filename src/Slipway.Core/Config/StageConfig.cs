namespace Slipway.Core.Config;

/// <summary>One stage (staging, production…): the branch it follows and the hosts it deploys to.</summary>
public sealed record StageConfig
{
    public required string Name { get; init; }

    public required string Branch { get; init; }

    public required IReadOnlyList<HostConfig> Hosts { get; init; }

    /// <summary>Where in the file the stage is declared, for messages.</summary>
    public SourceLocation Location { get; init; }
}
