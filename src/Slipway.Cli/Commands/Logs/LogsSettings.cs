using System.ComponentModel;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Logs;

/// <summary>Options every logs command takes.</summary>
public class LogsSettings : SlipwaySettings
{
    // Not ConfigFileSettings: the logs commands need no slipway.yml (flags alone will do), so there is no default file.
    [CommandOption("-f|--file <FILE>")]
    [Description("Read the logs: section of this slipway.yml (flags override it).")]
    public string? File { get; init; }

    /// <summary>The old name of <see cref="File"/>; still accepted, with a notice on stderr.</summary>
    [CommandOption("--config <FILE>", IsHidden = true)]
    public string? Config { get; init; }

    [CommandOption("--db <CONN>")]
    [Description("A SQLite file path, mysql://user:pass@host:port/db or postgres://user:pass@host:port/db.")]
    public string? Db { get; init; }
}
