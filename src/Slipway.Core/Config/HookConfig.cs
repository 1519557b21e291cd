namespace Slipway.Core.Config;

/// <summary>
/// A shell command run at a hook point, on hosts with the given roles (all hosts when empty). The command may use
/// <c>${var}</c> host variables (<see cref="HostVars"/>), expanded per host.
/// </summary>
public sealed record HookConfig
{
    public required string Run { get; init; }

    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Run on one host only (the primary host among those with the roles).</summary>
    public bool Once { get; init; }

    /// <summary>How messages name the step (a recipe's "django: migrate"); null names it by its command.</summary>
    public string? Label { get; init; }

    public SourceLocation Location { get; init; }
}
