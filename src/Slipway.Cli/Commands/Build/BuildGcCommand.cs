using System.Globalization;
using System.Text.Json;
using Slipway.Build.Store;
using Slipway.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Build;

/// <summary><c>slipway artifacts gc --keep N</c>: removes all but the N newest artifacts of every package from the local store.</summary>
public sealed class BuildGcCommand(IAnsiConsole console) : AsyncCommand<BuildGcSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, BuildGcSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Keep < 1)
        {
            ConsoleText.Error(console, $"--keep: must be at least 1, got {settings.Keep}.");
            return ExitCodes.UsageOrConfig;
        }

        var build = BuildConfigSource.Load(console, settings.File);
        if (build is null)
        {
            return ExitCodes.UsageOrConfig;
        }

        var store = new LocalFolderStore(build.Store);
        try
        {
            var removed = settings.DryRun
                ? await store.PruneCandidatesAsync(settings.Keep, cancellationToken)
                : await store.PruneAsync(settings.Keep, cancellationToken);
            if (settings.Json)
            {
                var report = new BuildGcReport(settings.DryRun, settings.Keep, [.. removed.Select(m => new BuildArtifactRecord(m.Package, m.Key, m.BuiltAt))]);
                await console.Profile.Out.Writer.WriteAsync(JsonSerializer.Serialize(report, BuildJsonContext.Default.BuildGcReport) + "\n");
                return ExitCodes.Success;
            }

            foreach (var m in removed)
            {
                ConsoleText.Line(console, $"{(settings.DryRun ? "would remove" : "removed")} {m.Package} {BuildCommand.ShortKey(m.Key)} (built {m.BuiltAt.ToString("u", CultureInfo.InvariantCulture)})");
            }

            ConsoleText.Line(console, $"{ConfigSource.Plural(removed.Count, "artifact")} {(settings.DryRun ? "would be removed" : "removed")}, keeping the {settings.Keep} newest of each package");
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is CorruptArtifactException or IOException or UnauthorizedAccessException)
        {
            ConsoleText.Error(console, e.Message);
            return ExitCodes.CommandFailed;
        }
    }
}
