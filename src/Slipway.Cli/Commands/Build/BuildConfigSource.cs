using Slipway.Build.Config;
using Slipway.Cli.Output;
using Slipway.Core.Config;
using Spectre.Console;

namespace Slipway.Cli.Commands.Build;

/// <summary>Loads slipway.yml's <c>build:</c> section for the build commands, every problem printed; null: stop with exit 2.</summary>
internal static class BuildConfigSource
{
    public static BuildConfig? Load(IAnsiConsole console, string file)
    {
        var config = ConfigSource.Load(console, file);
        if (config is null)
        {
            return null;
        }

        var problems = BuildSection.Check(config);
        if (problems.Count > 0)
        {
            DiagnosticsWriter.Write(console, problems);
            ConsoleText.Note(console, $"{file}: {ConfigSource.Plural(problems.Count, "error")}; nothing was done.", ConsoleText.Red);
            return null;
        }

        if (config.Build is not { } build)
        {
            ConsoleText.Error(console, $"{file} has no build: section (see docs/build.md).");
            return null;
        }

        return build;
    }
}
