using System.Globalization;
using Slipway.Cli.Output;
using Slipway.Core.Config;
using Slipway.Core.Layout;
using Slipway.Deploy.Execution;
using Slipway.Logs.Releases;
using Slipway.Logs.Storage;
using Spectre.Console;

namespace Slipway.Cli.Commands.Deploy;

/// <summary>
/// <c>deploy --watch DURATION</c>: after a successful deploy, wait, then compare the stage's errors in the central logs
/// under the new release with the same length of time before, and name the traceback groups never seen before.
/// </summary>
internal static class DeployWatch
{
    /// <summary>
    /// How long to watch: <c>--watch</c> when given (0 turns a configured watch off), else
    /// <c>logs.watch_after_deploy</c>, which a <c>--json</c> run skips because scripts read its output whole.
    /// </summary>
    public static TimeSpan? Span(TimeSpan? flag, SlipwayConfig config, bool json)
    {
        var span = flag ?? (json ? null : config.Logs?.WatchAfterDeploy);
        return span > TimeSpan.Zero ? span : null;
    }

    /// <summary>The logs store to watch, or null after saying why there is none (checked before deploying).</summary>
    public static string? Store(IAnsiConsole console, SlipwayConfig config)
    {
        if (config.Logs?.Db is { Length: > 0 } db)
        {
            return db;
        }

        ConsoleText.Error(console, $"--watch reads the central logs: set logs.db in {config.SourceFile} (a SQLite file, mysql://… or postgres://…).");
        return null;
    }

    public static async Task<int> RunAsync(
        IAnsiConsole console, SlipwayConfig config, string db, string stage, RunOutcome outcome, TimeSpan span, TimeProvider time, CancellationToken ct)
    {
        var deployedAt = time.GetUtcNow();
        var release = outcome.Release ?? "?";
        ConsoleText.Line(console, string.Create(CultureInfo.InvariantCulture,
            $"watching errors on {stage} (release {release}) for {Slipway.Core.Durations.Format(span)}, until {(deployedAt + span).UtcDateTime:HH:mm:ss} UTC…"));
        await Task.Delay(span, time, ct);
        try
        {
            await using var store = LogStoreFactory.OpenExisting(db);
            await store.CheckSchemaAsync(ct);
            var report = await WatchReport.BuildAsync(store, DeployTimeline.Load(LocalState.For(config).History), stage, release, deployedAt, time.GetUtcNow(), ct);
            await console.Profile.Out.Writer.WriteAsync(report.ToText());
            await console.Profile.Out.Writer.FlushAsync(ct);
            if (report.NewGroups.Count == 0)
            {
                return ExitCodes.Success;
            }

            ConsoleText.Note(console, $"the deploy stands; to undo it: slipway rollback {stage}", ConsoleText.Red);
            return ExitCodes.NewErrorsAfterDeploy;
        }
        catch (Exception e) when (e is LogStoreException or System.Data.Common.DbException)
        {
            ConsoleText.Error(console, $"--watch: the deploy succeeded, but the logs could not be read: {e.Message}");
            return ExitCodes.ConnectionFailed;
        }
    }
}
