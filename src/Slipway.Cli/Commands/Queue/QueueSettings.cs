using System.ComponentModel;
using Slipway.Queue;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Queue;

/// <summary>Options every queue and worker command takes: which slipway.yml, and the store's URL to override it.</summary>
public class QueueSettings : SlipwaySettings
{
    // Not ConfigFileSettings: a queue needs no slipway.yml (--url will do), so the default file is read only when present.
    [CommandOption("-f|--file <FILE>")]
    [Description("Read the queue: section of this slipway.yml (default: ./slipway.yml when it exists).")]
    public string? File { get; init; }

    [CommandOption("--url <URL>")]
    [Description("The queue store, overriding queue.url: sqlite:///path/queue.db, a path, or postgres://user:pass@host/db.")]
    public string? Url { get; init; }
}

/// <summary>A queue command about one queue: QUEUE, checked against the library's rule before anything runs.</summary>
public class OneQueueSettings : QueueSettings
{
    [CommandArgument(0, "<QUEUE>")]
    [Description("The queue's name: letters, digits, '.', '_', '-' and ':' (at most 100).")]
    public string Queue { get; init; } = "";

    [CommandOption("--json")]
    [Description("Print the result as one JSON document.")]
    public bool Json { get; init; }

    public override ValidationResult Validate() =>
        QueueName.IsValid(Queue) ? ValidationResult.Success() : ValidationResult.Error($"'{Queue}' is not a queue name: use {QueueName.Rule}.");
}
