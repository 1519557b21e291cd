using Slipway.Core.Config;

namespace Slipway.Recipes;

/// <summary>
/// Where the recipes find things on a host (the layout of docs/recipes.md): the host-side Slipway binary, the
/// supervisor's socket and programs file, each release's virtualenv. Pure.
/// </summary>
public static class HostLayout
{
    /// <summary>The host-side binary, as hook scripts name it (they run with SLIPWAY_DEPLOY_TO set).</summary>
    public const string Agent = "\"$SLIPWAY_DEPLOY_TO/slipway/bin/slipway\"";

    /// <summary>A release's virtualenv, relative to the release directory.</summary>
    public const string Venv = "venv";

    /// <summary>Where a release records what the Django recipe did (relative to the release directory).</summary>
    public const string StateDir = ".slipway";

    /// <summary>The migrations a release's deploy left applied (<c>showmigrations --plan</c> after <c>migrate</c>).</summary>
    public const string MigrationsRecord = StateDir + "/migrations";

    public static string DeployTo(SlipwayConfig config, HostConfig host)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(host);
        return host.DeployTo ?? config.DeployTo;
    }

    public static string Socket(SlipwayConfig config, HostConfig host)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Supervisor.Socket ?? (config.Supervisor.Kind == SupervisorKind.Supervisord
            ? "/var/run/supervisor.sock"
            : DeployTo(config, host) + "/slipway/supervisor.sock");
    }

    public static string ProgramsFile(SlipwayConfig config, HostConfig host)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Supervisor.ProgramsFile ?? (config.Supervisor.Kind == SupervisorKind.Supervisord
            ? "/etc/supervisor/conf.d/" + config.Application + ".conf"
            : DeployTo(config, host) + "/slipway/programs.conf");
    }
}
