using System.ComponentModel;
using System.Text.Json;
using Slipway.Cli.Infrastructure;
using Slipway.Cli.Output;
using Slipway.Core.Config;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands;

public sealed class ConfigCheckSettings : ConfigFileSettings
{
    [CommandOption("--json")]
    [Description("Print the result as one JSON object.")]
    public bool Json { get; init; }
}

/// <summary><c>slipway config check</c>: every problem at once, each with file, line, column and key; exit 2 if any.</summary>
public sealed class ConfigCheckCommand(IAnsiConsole console) : Command<ConfigCheckSettings>
{
    public override int Execute(CommandContext context, ConfigCheckSettings settings, CancellationToken cancellationToken)
    {
        var loaded = ConfigPreload.Load(settings.File);

        // The checks only a feature can make (the logs: section's hashes and schedule, the queue: section's engine and
        // queue names, the monitor: section's ranges and command lines, build: recipes and cycles) come with line and key too.
        var result = loaded.Config is null ? loaded : new ConfigLoadResult(loaded.Config,
            [.. loaded.Diagnostics, .. Logs.LogsSection.Check(loaded.Config), .. Queue.QueueSection.Check(loaded.Config),
             .. Slipway.Monitor.Configuration.MonitorPlan.Check(loaded.Config, settings.File), .. Slipway.Build.Config.BuildSection.Check(loaded.Config)]);
        var errors = result.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
        var warnings = result.Diagnostics.Count - errors;

        if (settings.Json)
        {
            console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(
                new ConfigCheckReport(settings.File, result.Succeeded, [.. result.Diagnostics.Select(DiagnosticRecord.From)]),
                CliJsonContext.Default.ConfigCheckReport));
            return result.Succeeded ? ExitCodes.Success : ExitCodes.UsageOrConfig;
        }

        DiagnosticsWriter.Write(console, result.Diagnostics);
        if (!result.Succeeded || result.Config is null)
        {
            ConsoleText.Note(console,
                $"{settings.File}: {ConfigSource.Plural(errors, "error")}, {ConfigSource.Plural(warnings, "warning")}.", ConsoleText.Red);
            return ExitCodes.UsageOrConfig;
        }

        var config = result.Config;
        var hosts = config.Stages.Sum(s => s.Hosts.Count);
        var stages = string.Join(", ", config.Stages.Select(s => s.Name));
        var summary = $"application {config.Application}, {ConfigSource.Plural(config.Stages.Count, "stage")} ({stages}), "
            + ConfigSource.Plural(hosts, "host") + (warnings > 0 ? ", " + ConfigSource.Plural(warnings, "warning") : "");
        ConsoleText.Line(console, $"{settings.File} is valid: {summary}.", ConsoleText.Green);
        return ExitCodes.Success;
    }
}
