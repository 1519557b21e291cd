namespace Slipway.Core.Config;

/// <summary>A shell command run at a hook point, on hosts with the given roles (all hosts when empty).</summary>
public sealed record HookConfig
{
    public required string Run { get; init; }

    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Run on one host only (the primary host among those with the roles).</summary>
    public bool Once { get; init; }

    public SourceLocation Location { get; init; }
}
