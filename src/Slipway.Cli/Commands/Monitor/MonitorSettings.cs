using System.ComponentModel;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Monitor;

public sealed class MonitorLsSettings : ConfigFileSettings
{
    [CommandArgument(0, "[STAGE]")]
    [Description("Only this stage's hosts (default: every stage).")]
    public string? Stage { get; init; }

    [CommandOption("--json")]
    [Description("One JSON object: every check per host with its schedule.")]
    public bool Json { get; init; }
}

public sealed class MonitorRunSettings : ConfigFileSettings
{
    [CommandArgument(0, "[CHECK]")]
    [Description("The check: NAME (on every host it runs on) or NAME@HOST.")]
    public string? Check { get; init; }

    [CommandOption("--all")]
    [Description("Run every configured check once (at most monitor.max_concurrency at a time).")]
    public bool All { get; init; }

    [CommandOption("--host <HOST>")]
    [Description("Only on these hosts: name, host:port or user@host:port (comma-separated, repeatable).")]
    public string[] Host { get; init; } = [];

    [CommandOption("-s|--stage <STAGE>")]
    [Description("Only the checks of this stage's hosts.")]
    public string? Stage { get; init; }

    [CommandOption("--json")]
    [Description("One JSON object: per check its state, exit code, output, long output and perfdata, and a summary.")]
    public bool Json { get; init; }
}

public sealed class MonitorServeSettings : ConfigFileSettings
{
    [CommandOption("-s|--stage <STAGE>")]
    [Description("Only the checks of this stage's hosts (default: every stage).")]
    public string? Stage { get; init; }

    [CommandOption("--db <FILE|URL>")]
    [Description("The results and perfdata history: a SQLite file, mysql://user:pass@host/db or postgres://user:pass@host/db (default: monitor.db in slipway.yml, else logs.db when it is a MariaDB or PostgreSQL server, else .slipway/monitor.db next to slipway.yml).")]
    public string? Db { get; init; }
}

public sealed class MonitorAgentSettings : ConfigFileSettings
{
    [CommandOption("--host <HOST>")]
    [Description("This host as slipway.yml names it (name, host:port or user@host:port): its run_on: agent checks are run.")]
    public string? Host { get; init; }

    [CommandOption("-s|--stage <STAGE>")]
    [Description("Look for the host in this stage only (default: every stage).")]
    public string? Stage { get; init; }

    [CommandOption("--spool <DIR>")]
    [Description("Where results wait while the server is unreachable (default: .slipway/monitor-spool/HOST next to slipway.yml).")]
    public string? Spool { get; init; }

    [CommandOption("--json")]
    [Description("One JSON object per line on stdout for each result: check, host, state, state_type (as the agent judged it), attempt, output, perf_data, at.")]
    public bool Json { get; init; }
}
