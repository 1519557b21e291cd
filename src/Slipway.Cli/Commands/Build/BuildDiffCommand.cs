using System.Text.Json;
using Slipway.Build.Explain;
using Slipway.Build.Store;
using Slipway.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Build;

/// <summary><c>slipway artifacts diff KEY_A KEY_B</c>: the inputs in which two stored artifacts differ, with both values.</summary>
public sealed class BuildDiffCommand(IAnsiConsole console) : AsyncCommand<BuildDiffSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, BuildDiffSettings settings, CancellationToken cancellationToken)
    {
        var build = BuildConfigSource.Load(console, settings.File);
        if (build is null)
        {
            return ExitCodes.UsageOrConfig;
        }

        var store = new LocalFolderStore(build.Store);
        try
        {
            var a = await FindAsync(store, settings.KeyA, cancellationToken);
            var b = await FindAsync(store, settings.KeyB, cancellationToken);
            if (a is null || b is null)
            {
                return ExitCodes.UsageOrConfig;
            }

            var changes = ManifestDiff.Changes(a, b);
            if (settings.Json)
            {
                var report = new BuildDiffReport(Record(a), Record(b),
                    [.. changes.Select(c => new BuildInputChangeRecord(c.Name, InputDiff.Describe(c), c.Old, c.New))]);
                await console.Profile.Out.Writer.WriteAsync(JsonSerializer.Serialize(report, BuildJsonContext.Default.BuildDiffReport) + "\n");
                return ExitCodes.Success;
            }

            ConsoleText.Line(console, $"{a.Package} {BuildCommand.ShortKey(a.Key)} → {b.Package} {BuildCommand.ShortKey(b.Key)}");
            foreach (var line in ManifestDiff.Lines(a, b))
            {
                ConsoleText.Line(console, "  " + line);
            }

            ConsoleText.Line(console, changes.Count == 0 ? "no differing inputs" : $"{ConfigSource.Plural(changes.Count, "differing input")}");
            return ExitCodes.Success;
        }
        catch (CorruptArtifactException e)
        {
            ConsoleText.Error(console, e.Message);
            return ExitCodes.CommandFailed;
        }
    }

    private static BuildArtifactRecord Record(ArtifactManifest m) => new(m.Package, m.Key, m.BuiltAt);

    private async Task<ArtifactManifest?> FindAsync(LocalFolderStore store, string key, CancellationToken ct)
    {
        var found = await store.FindByKeyAsync(key, ct);
        switch (found.Count)
        {
            case 1:
                return found[0];
            case 0:
                ConsoleText.Error(console, $"no artifact with key {key} in {store.Root}.");
                return null;
            default:
                ConsoleText.Error(console, $"key prefix {key} matches {found.Count} artifacts ({string.Join(", ", found.Select(f => f.Package + " " + BuildCommand.ShortKey(f.Key)))}); give more digits.");
                return null;
        }
    }
}
