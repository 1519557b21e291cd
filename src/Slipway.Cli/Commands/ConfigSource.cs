using Slipway.Cli.Infrastructure;
using Slipway.Cli.Output;
using Slipway.Core.Config;
using Slipway.Recipes;
using Slipway.Remote;
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

    /// <summary>
    /// The command's <see cref="StageTarget"/> (slipway.yml loaded, recipes applied when asked, stage and hosts picked),
    /// every problem printed; null means the command must stop (exit 2).
    /// </summary>
    public static StageTarget? OpenStage(
        IAnsiConsole console, StageSettings settings, RecipeOptions? recipes, ConnectionMode mode = ConnectionMode.Multiplexed) =>
        OpenStage(console, settings.File, new StageQuery(settings.Stage)
        {
            Roles = HostFilter.SplitList(settings.Roles), Hosts = HostFilter.SplitList(settings.Hosts), Recipes = recipes, Mode = mode,
        });

    public static StageTarget? OpenStage(IAnsiConsole console, string file, StageQuery query)
    {
        var config = Load(console, file);
        if (config is null)
        {
            return null;
        }

        try
        {
            return StageTarget.Open(config, query);
        }
        catch (RecipeException e)
        {
            ConsoleText.Error(console, $"{file}: {e.Message}");
        }
        catch (StageTargetException e)
        {
            ConsoleText.Error(console, e.Message);
        }

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
