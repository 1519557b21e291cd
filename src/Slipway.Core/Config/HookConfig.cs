namespace Slipway.Core.Config;

/// <summary>
/// A shell command run at a hook point, on hosts with the given roles (all hosts when empty). The command may use
/// <c>${var}</c> host variables (<see cref="HostVars"/>), expanded per host.
/// </summary>
public sealed record HookConfig
{
    public required string Run { get; init; }

    /// <summary>
    /// What logs and messages show of <see cref="Run"/> when it holds a secret (a recipe step writing the workers' queue
    /// password): the same code with <c>***</c> in the secret's place. Null: <see cref="Run"/> itself.
    /// </summary>
    public string? Shown { get; init; }

    /// <summary><see cref="Run"/> as shell code, shown as <see cref="Shown"/>.</summary>
    public Shell.ShellCommand Command => Shown is null ? Shell.ShellCommand.Raw(Run) : Shell.ShellCommand.Raw(Run, Shown);

    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Run on one host only (the primary host among those with the roles).</summary>
    public bool Once { get; init; }

    /// <summary>How messages name the step (a recipe's "django: migrate"); null names it by its command.</summary>
    public string? Label { get; init; }

    public SourceLocation Location { get; init; }
}
