using System.ComponentModel;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands;

/// <summary>Options every command takes.</summary>
public class SlipwaySettings : CommandSettings
{
    // Read before parsing by ConsoleFactory; declared here so it is accepted and shown in --help.
    [CommandOption("--no-color")]
    [Description("Plain text output without colours (also: NO_COLOR=1).")]
    public bool NoColor { get; init; }
}

/// <summary>Options of commands that read slipway.yml.</summary>
public class ConfigFileSettings : SlipwaySettings
{
    [CommandOption("-f|--file <FILE>")]
    [Description("The configuration file.")]
    [DefaultValue("slipway.yml")]
    public string File { get; init; } = "slipway.yml";
}

/// <summary>STAGE plus the host filters of every command that works on a stage's hosts (exec, deploy, rollback…).</summary>
public class StageSettings : ConfigFileSettings
{
    [CommandArgument(0, "<STAGE>")]
    [Description("The stage to work on.")]
    public string Stage { get; init; } = "";

    [CommandOption("-r|--roles <ROLES>")]
    [Description("Only hosts with any of these roles (comma-separated, repeatable).")]
    public string[] Roles { get; init; } = [];

    [CommandOption("-H|--hosts <HOSTS>")]
    [Description("Only these hosts: name, host:port or user@host:port (comma-separated, repeatable).")]
    public string[] Hosts { get; init; } = [];
}
