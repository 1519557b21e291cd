using Slipway.Cli.Output;
using Slipway.Core.Config;
using Slipway.Monitor.Configuration;
using Spectre.Console;

namespace Slipway.Cli.Commands.Monitor;

/// <summary>slipway.yml loaded and its <c>monitor:</c> checks expanded per host, every problem printed on stderr.</summary>
internal static class MonitorSection
{
    /// <summary>Null when the command must stop with exit 2 (the reason is printed).</summary>
    public static (SlipwayConfig Config, IReadOnlyList<ConfiguredCheck> Checks)? Load(IAnsiConsole console, string file, string? stage)
    {
        var config = ConfigSource.Load(console, file);
        if (config is null)
        {
            return null;
        }

        if (stage is not null && ConfigSource.FindStage(console, config, stage) is null)
        {
            return null;
        }

        var (checks, problems) = MonitorPlan.Expand(config, stage, file);
        if (problems.Count > 0)
        {
            DiagnosticsWriter.Write(console, problems);
            ConsoleText.Note(console, $"{file}: {ConfigSource.Plural(problems.Count, "error")}; nothing was done.", ConsoleText.Red);
            return null;
        }

        return (config, checks);
    }
}
