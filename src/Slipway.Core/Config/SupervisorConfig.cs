namespace Slipway.Core.Config;

/// <summary>Which supervisor runs a site's <c>processes:</c> on the hosts.</summary>
public enum SupervisorKind
{
    /// <summary>Slipway's own daemon (<c>slipway supervise</c>), installed by <c>slipway setup</c>.</summary>
    Slipway,

    /// <summary>A real supervisord already on the hosts (Debian's <c>supervisor</c> package).</summary>
    Supervisord,
}

/// <summary><c>supervisor:</c> as a word (<c>slipway</c>, <c>supervisord</c>) or a mapping with the details.</summary>
public sealed record SupervisorConfig
{
    public SupervisorKind Kind { get; init; } = SupervisorKind.Slipway;

    /// <summary>
    /// The supervisor's control socket on the host. Default: <c>slipway/supervisor.sock</c> under deploy_to for Slipway's
    /// daemon, <c>/var/run/supervisor.sock</c> for supervisord.
    /// </summary>
    public string? Socket { get; init; }

    /// <summary>
    /// The file the rendered <c>[program:…]</c> sections are written to; supervisord must include it. Default:
    /// <c>slipway/programs.conf</c> under deploy_to for Slipway's daemon,
    /// <c>/etc/supervisor/conf.d/APPLICATION.conf</c> for supervisord.
    /// </summary>
    public string? ProgramsFile { get; init; }

    /// <summary>How long a restarted program may take to reach RUNNING before the publish fails.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public SourceLocation Location { get; init; }
}
