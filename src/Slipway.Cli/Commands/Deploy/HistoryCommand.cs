using System.Globalization;
using Slipway.Cli.Output;
using Slipway.Deploy.Execution;
using Slipway.Deploy.Model;
using Spectre.Console;

namespace Slipway.Cli.Commands.Deploy;

/// <summary>
/// <c>slipway history STAGE</c>: every deploy and rollback of the stage, newest last, as recorded on the first selected
/// host (so deploys from every machine show), or with <c>--local</c> as recorded on this machine.
/// </summary>
public sealed class HistoryCommand(IAnsiConsole console) : ReleaseCommandBase<HistorySettings>(console)
{
    protected override async Task<int> RunAsync(ReleaseManager manager, DeployRequest request, HistorySettings settings, CancellationToken ct)
    {
        IReadOnlyList<HistoryEntry> entries;
        var source = request.Hosts[0].DisplayName;
        if (settings.Local)
        {
            entries = await ReadLocalAsync(request, ct);
            source = "this machine";
        }
        else
        {
            var (remote, failure) = await manager.HostHistoryAsync(request, settings.Limit, ct);
            if (failure is not null)
            {
                ConsoleText.Line(Console, $"warning: could not read the history on {source} ({failure.Message}); showing this machine's record",
                    ConsoleText.Yellow);
                entries = await ReadLocalAsync(request, ct);
                source = "this machine";
            }
            else
            {
                entries = remote;
            }
        }

        var shown = entries.Where(e => e.Stage == request.Stage.Name).TakeLast(settings.Limit).ToList();
        foreach (var e in shown)
        {
            if (settings.Json)
            {
                ConsoleText.Line(Console, e.ToJson());
                continue;
            }

            var when = e.Started.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            var commit = e.Commit is null ? "-" : e.Commit[..Math.Min(7, e.Commit.Length)];
            var seconds = (e.DurationMs / 1000.0).ToString("0.0", CultureInfo.InvariantCulture) + "s";
            var text = $"{when}  {e.Action,-8}  {e.Result,-9}  {e.Release ?? "-",-14}  {commit,-7}  {e.User}@{e.Machine}  {seconds,6}";
            ConsoleText.Line(Console, text + (e.Message is null ? "" : $"  \"{e.Message}\"") + (e.Error is null ? "" : "  " + e.Error),
                e.Result == "succeeded" ? null : ConsoleText.Red);
        }

        if (shown.Count == 0 && !settings.Json)
        {
            ConsoleText.Line(Console, $"no deploys of {request.Stage.Name} recorded on {source} yet.");
        }

        return ct.IsCancellationRequested ? ExitCodes.Cancelled : ExitCodes.Success;
    }

    private static async Task<IReadOnlyList<HistoryEntry>> ReadLocalAsync(DeployRequest request, CancellationToken ct)
    {
        var path = ReleaseManager.LocalHistoryPath(request.Config);
        return File.Exists(path)
            ? [.. (await File.ReadAllLinesAsync(path, ct)).Select(HistoryEntry.FromJson).OfType<HistoryEntry>()]
            : [];
    }
}
