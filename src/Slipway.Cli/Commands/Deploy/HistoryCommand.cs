using System.Globalization;
using System.Text.Json.Nodes;
using Slipway.Cli.Output;
using Slipway.Deploy.Execution;
using Slipway.Deploy.Model;
using Slipway.Recipes;
using Spectre.Console;

namespace Slipway.Cli.Commands.Deploy;

/// <summary>
/// <c>slipway history STAGE</c>: every deploy and rollback of the stage, oldest first, merged from the history kept on
/// every selected host (so deploys from every machine show) and this machine's record; a run that some hosts lack is
/// flagged. With <c>--local</c> only this machine's record.
/// </summary>
public sealed class HistoryCommand(IAnsiConsole console, TimeProvider time) : ReleaseCommandBase<HistorySettings>(console, time)
{
    protected override async Task<int> RunAsync(StageTarget target, DeployRequest request, HistorySettings settings, CancellationToken ct)
    {
        IReadOnlyList<MergedHistoryEntry> entries;
        if (settings.Local)
        {
            entries = (await Manager(target).HistoryAsync(request with { Hosts = [] }, settings.Limit, ct)).Entries;
        }
        else
        {
            var (merged, failures) = await Manager(target).HistoryAsync(request, settings.Limit, ct);
            foreach (var failure in failures)
            {
                ConsoleText.Warning(Console, $"could not read the history on {failure.Host.DisplayName} ({failure.Message}); its entries are missing");
            }

            entries = merged;
        }

        foreach (var m in entries)
        {
            if (settings.Json)
            {
                ConsoleText.Line(Console, Json(m));
                continue;
            }

            var e = m.Entry;
            var when = e.Started.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            var commit = e.Commit is null ? "-" : e.Commit[..Math.Min(7, e.Commit.Length)];
            var seconds = (e.DurationMs / 1000.0).ToString("0.0", CultureInfo.InvariantCulture) + "s";
            var text = $"{when}  {e.Action,-8}  {e.Result,-9}  {e.Release ?? "-",-14}  {commit,-7}  {e.User}@{e.Machine}  {seconds,6}";
            var partial = m.Partial ? $"  [only on {string.Join(", ", m.RecordedOn)}; missing on {string.Join(", ", m.MissingOn)}]" : "";
            ConsoleText.Line(Console, text + (e.Message is null ? "" : $"  \"{e.Message}\"") + (e.Error is null ? "" : "  " + e.Error) + partial,
                e.Result == "succeeded" && !m.Partial ? null : ConsoleText.Red);
        }

        if (entries.Count == 0 && !settings.Json)
        {
            ConsoleText.Line(Console, $"no deploys of {request.Stage.Name} recorded {(settings.Local ? "on this machine" : "on its hosts or here")} yet.");
        }

        return ct.IsCancellationRequested ? ExitCodes.Cancelled : ExitCodes.Success;
    }

    /// <summary>The stored entry plus where it is recorded: <c>recorded_on</c> (hosts), <c>missing_on</c>, <c>recorded_here</c>.</summary>
    private static string Json(MergedHistoryEntry m)
    {
        var node = JsonNode.Parse(m.Entry.ToJson())!.AsObject();
        node["recorded_on"] = new JsonArray([.. m.RecordedOn.Select(h => (JsonNode)JsonValue.Create(h))]);
        node["missing_on"] = new JsonArray([.. m.MissingOn.Select(h => (JsonNode)JsonValue.Create(h))]);
        node["recorded_here"] = m.RecordedHere;
        return node.ToJsonString();
    }
}
