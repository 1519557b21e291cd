using System.ComponentModel;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Logs;

/// <summary>Options every logs command takes.</summary>
public class LogsSettings : SlipwaySettings
{
    [CommandOption("--config <FILE>")]
    [Description("Read the logs: section of this slipway.yml (flags override it).")]
    public string? Config { get; init; }

    [CommandOption("--db <CONN>")]
    [Description("A SQLite file path, mysql://user:pass@host:port/db or postgres://user:pass@host:port/db.")]
    public string? Db { get; init; }
}
