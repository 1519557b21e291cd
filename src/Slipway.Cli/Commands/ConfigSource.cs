using Slipway.Cli.Infrastructure;
using Slipway.Cli.Output;
using Slipway.Core.Config;
using Spectre.Console;

namespace Slipway.Cli.Commands;

/// <summary>Loads slipway.yml for a command, printing every diagnostic; null means the command must stop (exit 2).</summary>
internal static class ConfigSource
{
    public static SlipwayConfig? Load(IAnsiConsole console, string file)
    {
        var result = ConfigPreload.Load(file);
        DiagnosticsWriter.Write(console, result.Diagnostics);
        if (result.Succeeded && result.Config is not null)
        {
            return result.Config;
        }

        var errors = result.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
        ConsoleText.Note(console, $"{file}: {Plural(errors, "error")}; nothing was done.", ConsoleText.Red);
        return null;
    }

    public static StageConfig? FindStage(IAnsiConsole console, SlipwayConfig config, string stageName)
    {
        var stage = config.FindStage(stageName);
        if (stage is null)
        {
            var known = string.Join(", ", config.Stages.Select(s => s.Name));
            ConsoleText.Error(console, $"no stage '{stageName}' in {config.SourceFile}; stages defined: {known}.");
        }

        return stage;
    }

    public static string Plural(int count, string noun) =>
        count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + noun + (count == 1 ? "" : "s");
}
