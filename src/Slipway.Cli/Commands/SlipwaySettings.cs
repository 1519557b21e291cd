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
