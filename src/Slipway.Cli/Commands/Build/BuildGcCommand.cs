using System.Globalization;
using System.Text.Json;
using Slipway.Build.Config;
using Slipway.Build.Store;
using Slipway.Build.Store.Signing;
using Slipway.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Build;

/// <summary>
/// <c>slipway artifacts gc --keep N</c>: removes all but the N newest artifacts of every package from the local store,
/// or with <c>--s3</c> from the shared one.
/// </summary>
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

        RemoteCache? remote = null;
        if (settings.S3)
        {
            try
            {
                remote = BuildSection.Options(build, null).Remote;
            }
            catch (SigningKeyException e)
            {
                ConsoleText.Error(console, $"{settings.File}: build.signing: {e.Message}");
                return ExitCodes.UsageOrConfig;
            }

            if (remote is null)
            {
                ConsoleText.Error(console, $"--s3: {settings.File} has no build.s3 section.");
                return ExitCodes.UsageOrConfig;
            }

            if (remote.Store.IsReadOnly && !settings.DryRun)
            {
                ConsoleText.Error(console, $"--s3: {remote.Store.Location} is read-only here (build.s3.read_only); nothing was removed.");
                remote.Store.Dispose();
                return ExitCodes.UsageOrConfig;
            }
        }

        var store = new LocalFolderStore(build.Store);
        using var shared = remote?.Store;
        try
        {
            var removed = remote is not null
                ? await remote.PruneAsync(settings.Keep, settings.DryRun, cancellationToken)
                : settings.DryRun
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

            ConsoleText.Line(console, $"{ConfigSource.Plural(removed.Count, "artifact")} {(settings.DryRun ? "would be removed" : "removed")}, keeping the {settings.Keep} newest of each package{(remote is null ? "" : " in " + remote.Store.Location)}");
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is CorruptArtifactException or RemoteStoreException or IOException or UnauthorizedAccessException)
        {
            ConsoleText.Error(console, e.Message);
            return ExitCodes.CommandFailed;
        }
    }
}
