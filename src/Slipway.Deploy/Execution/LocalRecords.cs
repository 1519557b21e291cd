using System.Globalization;
using Slipway.Core.Layout;
using Slipway.Deploy.Model;

namespace Slipway.Deploy.Execution;

/// <summary>What a run keeps on this machine under <c>.slipway/</c>: one log per run (the newest kept) and the history.</summary>
internal sealed class LocalRecords(LocalState state, TimeProvider time, IDeployReporter reporter)
{
    private const int KeptLogs = 100;

    public LocalState State => state;

    public DeployLog OpenLog(string stage, string action, int pid)
    {
        var name = $"{stage}-{action}-{ReleaseName.For(time.GetUtcNow())}-{pid.ToString(CultureInfo.InvariantCulture)}.log";
        PruneLogs(state.Logs);
        return new DeployLog(Path.Combine(state.Logs, name), time);
    }

    public void AppendHistory(HistoryEntry entry)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(state.History)!);
            File.AppendAllText(state.History, entry.ToJson() + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reporter.Warning($"could not write the local history: {e.Message}");
        }
    }

    /// <summary>This machine's history; an unreadable file reads as empty (the hosts' records still count).</summary>
    public static async Task<IReadOnlyList<HistoryEntry>> ReadHistoryAsync(LocalState state, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(state);
        try
        {
            return File.Exists(state.History)
                ? [.. (await File.ReadAllLinesAsync(state.History, ct)).Select(HistoryEntry.FromJson).OfType<HistoryEntry>()]
                : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Keeps the newest <see cref="KeptLogs"/> run logs; older ones go. Best effort: never fails a run.</summary>
    private static void PruneLogs(string dir)
    {
        try
        {
            if (!Directory.Exists(dir))
            {
                return;
            }

            foreach (var old in new DirectoryInfo(dir).GetFiles("*.log").OrderByDescending(f => f.LastWriteTimeUtc).Skip(KeptLogs))
            {
                old.Delete();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A log we cannot remove is no reason to stop a deploy.
        }
    }
}
