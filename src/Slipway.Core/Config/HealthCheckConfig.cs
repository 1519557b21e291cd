namespace Slipway.Core.Config;

/// <summary>
/// One <c>health:</c> entry, run on each host after the restart of a publish; a failure rolls the deploy back. Exactly
/// one of <see cref="Http"/>, <see cref="Tcp"/> and <see cref="Command"/> is set. Texts may use <c>${var}</c> host
/// variables (<see cref="HostVars"/>).
/// </summary>
public sealed record HealthCheckConfig
{
    public required string Name { get; init; }

    public string? Http { get; init; }

    /// <summary>Expected HTTP status.</summary>
    public int Expect { get; init; } = 200;

    /// <summary>Text the HTTP body must contain, if given.</summary>
    public string? Contains { get; init; }

    /// <summary><c>host:port</c> that must accept a connection.</summary>
    public string? Tcp { get; init; }

    /// <summary>A shell command that must exit 0 (run in the live release).</summary>
    public string? Command { get; init; }

    /// <summary>Per attempt.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts before the check fails.</summary>
    public int Retries { get; init; } = 3;

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// From the first attempt, failures do not count towards <see cref="Retries"/> until this has passed (a release
    /// that boots slowly is waited for); the first success ends the check. Zero by default: no grace.
    /// </summary>
    public TimeSpan StartPeriod { get; init; }

    /// <summary>Hosts it runs on; empty means the roles of the process of the same name, or every host.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    public SourceLocation Location { get; init; }
}
