using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using Slipway.Build.Building;
using Slipway.Build.Config;
using Slipway.Build.Store;
using Slipway.Build.Store.Signing;
using Slipway.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Build;

/// <summary>
/// <c>slipway build [PKG…]</c>: plans every selected package (keys, cached or why it must build), then builds what is
/// missing in dependency order; <c>--explain</c> and <c>--dry-run</c> stop after the plan. Results on stdout, progress
/// on stderr.
/// </summary>
public sealed class BuildCommand(IAnsiConsole console) : AsyncCommand<BuildSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, BuildSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Jobs is < 1)
        {
            ConsoleText.Error(console, $"-j/--jobs: must be at least 1, got {settings.Jobs}.");
            return ExitCodes.UsageOrConfig;
        }

        var build = BuildConfigSource.Load(console, settings.File);
        if (build is null)
        {
            return ExitCodes.UsageOrConfig;
        }

        var recipes = BuildSection.Recipes(build);
        var unknown = settings.Packages.Where(p => recipes.All(r => r.Name != p)).ToList();
        if (unknown.Count > 0)
        {
            ConsoleText.Error(console, $"unknown package {string.Join(", ", unknown.Select(u => "'" + u + "'"))}; {settings.File} declares: {string.Join(", ", recipes.Select(r => r.Name))}.");
            return ExitCodes.UsageOrConfig;
        }

        BuildOptions options;
        try
        {
            options = BuildSection.Options(build, settings.Jobs);
        }
        catch (SigningKeyException e)
        {
            ConsoleText.Error(console, $"{settings.File}: build.signing: {e.Message}");
            return ExitCodes.UsageOrConfig;
        }

        if (options.Remote is { } remote)
        {
            // Slow, unreachable or refusing stores never fail a build; the user still hears about it once.
            remote.Warning += message =>
            {
                lock (_progressGate)
                {
                    ConsoleText.Warning(console, message);
                }
            };
        }

        using var builder = new PackageBuilder(options);
        try
        {
            var plan = await builder.PlanAsync(recipes, settings.Packages, cancellationToken);
            if (settings.Explain || settings.DryRun)
            {
                WritePlan(plan, settings);
                return ExitCodes.Success;
            }

            if (!settings.Json)
            {
                ConsoleText.Note(console, $"building into {build.Store}");
            }

            var result = await builder.BuildAsync(plan, settings.Json ? null : Progress, cancellationToken);
            return WriteResult(result, settings.Json);
        }
        catch (Exception e) when (e is BuildStepException or CorruptArtifactException or IOException or UnauthorizedAccessException)
        {
            // Planning failed (a git ref that does not resolve, a tarball that cannot be read, a corrupt store): nothing was built.
            ConsoleText.Error(console, e.Message);
            return ExitCodes.CommandFailed;
        }
    }

    private readonly Lock _progressGate = new();

    private void Progress(BuildProgress progress)
    {
        var line = progress.Outcome switch
        {
            null => $"{progress.Package}: building",
            { Status: PackageStatus.Cached } o => $"{progress.Package}: cached ({o.Where ?? "local"})",
            { Status: PackageStatus.Built } o => $"{progress.Package}: built in {Seconds(o.Duration)} ({o.Reason})",
            { Status: PackageStatus.Failed } => $"{progress.Package}: failed after {Seconds(progress.Outcome.Duration)} (error and log below)",
            var o => $"{progress.Package}: skipped ({o.Reason})",
        };
        lock (_progressGate)
        {
            ConsoleText.Note(console, line, progress.Outcome?.Status == PackageStatus.Failed ? ConsoleText.Red : null);
        }
    }

    private int WriteResult(BuildResult result, bool json)
    {
        var summary = Summary(result);
        if (json)
        {
            var records = result.Packages.Select(p => new BuildPackageRecord(p.Name, p.Key, Status(p.Status),
                p.Status == PackageStatus.Cached ? p.Where ?? "local" : null, p.Reason, (long)p.Duration.TotalMilliseconds, p.LogPath, p.Error, p.LogTail)).ToList();
            WriteJson(JsonSerializer.Serialize(new BuildReport(result.Succeeded, summary, records), BuildJsonContext.Default.BuildReport));
        }
        else
        {
            foreach (var failed in result.Packages.Where(p => p.Status == PackageStatus.Failed))
            {
                ConsoleText.Error(console, failed.Error ?? $"{failed.Name} failed");
                if (failed.LogTail is { Length: > 0 } tail)
                {
                    ConsoleText.Note(console, $"last lines of {failed.LogPath}:");
                    ConsoleText.Note(console, tail.TrimEnd('\n'));
                }
            }

            ConsoleText.Line(console, summary, result.Succeeded ? ConsoleText.Green : ConsoleText.Red);
        }

        return result.Succeeded ? ExitCodes.Success : ExitCodes.CommandFailed;
    }

    private void WritePlan(BuildPlan plan, BuildSettings settings)
    {
        var toBuild = plan.Packages.Count(p => p.MustBuild);
        var where = string.Join(", ", plan.Packages.Where(p => !p.MustBuild).GroupBy(p => p.Where ?? "local")
            .OrderBy(g => g.Key == "local" ? 0 : 1).Select(g => $"{g.Count()} {g.Key}"));
        var summary = $"{plan.Packages.Count} packages: {plan.Packages.Count - toBuild} cached ({(where.Length > 0 ? where : "0 local")}), {toBuild} to build";
        if (settings.Json)
        {
            var records = plan.Packages.Select(p => new BuildPlanRecord(p.Name, p.Key.Key, p.MustBuild ? "build" : "cached",
                p.MustBuild ? null : p.Where, p.Reason, p.Recipe.Depends)).ToList();
            WriteJson(JsonSerializer.Serialize(new BuildPlanReport(true, summary, records), BuildJsonContext.Default.BuildPlanReport));
            return;
        }

        var step = 0;
        foreach (var package in plan.Packages)
        {
            var decision = package.MustBuild ? $"will build: {package.Reason}" : $"cached ({package.Where})";
            // --dry-run shows the order and keys of the plan; --explain only the decisions and their reasons.
            ConsoleText.Line(console, settings.DryRun && !settings.Explain
                ? $"{++step}. {package.Name} {ShortKey(package.Key.Key)} {decision}"
                : $"{package.Name}: {decision}");
        }

        ConsoleText.Line(console, summary + (settings.DryRun ? " (dry run: nothing built)" : ""));
    }

    private void WriteJson(string json)
    {
        console.Profile.Out.Writer.Write(json + "\n");
        console.Profile.Out.Writer.Flush();
    }

    /// <summary>
    /// The closing line: "12 packages: 9 cached (9 local), 3 built, 0 failed" (and skipped ones, when any); with a shared
    /// store "12 packages: 9 cached (7 local, 2 s3), 3 built, 0 failed; s3: 2 hits, 3 misses, 0 errors, 3 pushed".
    /// </summary>
    internal static string Summary(BuildResult result)
    {
        if (result.Remote is not null)
        {
            return result.Summary();
        }

        int Count(PackageStatus status) => result.Packages.Count(p => p.Status == status);
        var skipped = Count(PackageStatus.Skipped) > 0 ? $", {Count(PackageStatus.Skipped)} skipped" : "";
        return $"{result.Packages.Count} packages: {Count(PackageStatus.Cached)} cached ({Count(PackageStatus.Cached)} local), " +
               $"{Count(PackageStatus.Built)} built, {Count(PackageStatus.Failed)} failed{skipped}";
    }

    [SuppressMessage("Globalization", "CA1308", Justification = "Status words are lowercase in JSON.")]
    private static string Status(PackageStatus status) => status.ToString().ToLowerInvariant();

    internal static string ShortKey(string key) => key.Length > 12 ? key[..12] : key;

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";
}
