using System.Globalization;
using Slipway.Cli.Output;
using Slipway.Deploy.Execution;
using Slipway.Deploy.Model;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Deploy;

/// <summary><c>slipway history STAGE</c>: the deploys and rollbacks recorded by this machine, newest last.</summary>
public sealed class HistoryCommand(IAnsiConsole console) : AsyncCommand<HistorySettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, HistorySettings settings, CancellationToken cancellationToken)
    {
        var config = ConfigSource.Load(console, settings.File);
        var stage = config is null ? null : ConfigSource.FindStage(console, config, settings.Stage);
        if (config is null || stage is null)
        {
            return ExitCodes.UsageOrConfig;
        }

        var path = ReleaseManager.LocalHistoryPath(config);
        if (!File.Exists(path))
        {
            ConsoleText.Line(console, $"no deploys of {stage.Name} recorded on this machine yet ({path}); "
                + "each host also keeps its own in DEPLOY_TO/slipway-history.jsonl.");
            return ExitCodes.Success;
        }

        var lines = await File.ReadAllLinesAsync(path, cancellationToken);
        var entries = lines.Select(l => (Line: l, Entry: HistoryEntry.FromJson(l)))
            .Where(e => e.Entry is not null && e.Entry.Stage == stage.Name)
            .TakeLast(Math.Max(1, settings.Limit))
            .ToList();
        foreach (var (line, entry) in entries)
        {
            if (settings.Json)
            {
                ConsoleText.Line(console, line);
                continue;
            }

            var e = entry!;
            var when = e.Started.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            var commit = e.Commit is null ? "-" : e.Commit[..Math.Min(7, e.Commit.Length)];
            var seconds = (e.DurationMs / 1000.0).ToString("0.0", CultureInfo.InvariantCulture) + "s";
            var colour = e.Result == "succeeded" ? null : ConsoleText.Red;
            var text = $"{when}  {e.Action,-8}  {e.Result,-9}  {e.Release ?? "-",-14}  {commit,-7}  {e.User}@{e.Machine}  {seconds}";
            ConsoleText.Line(console, text + (e.Message is null ? "" : $"  \"{e.Message}\"") + (e.Error is null ? "" : "  " + e.Error), colour);
        }

        if (entries.Count == 0)
        {
            ConsoleText.Line(console, $"no deploys of {stage.Name} recorded on this machine yet.");
        }

        return ExitCodes.Success;
    }
}
