using Slipway.Core.Config;
using Slipway.Deploy.Execution;
using Slipway.Deploy.Model;

namespace Slipway.Cli.Commands.Deploy;

/// <summary>Asks every host of a stage what it has live (one round trip per host) and folds that with the local history.</summary>
internal static class StageLiveReader
{
    public static async Task<StageLive> ReadAsync(ReleaseManager manager, SlipwayConfig config, StageConfig stage, CancellationToken ct)
    {
        var request = new DeployRequest { Config = config, Stage = stage, Hosts = stage.Hosts };
        var listings = await manager.ReleasesAsync(request, ct);
        var history = await ReadLocalHistoryAsync(config, ct);
        return StageLive.From(stage.Name, listings.Select(l => (l.Host, l.State, l.Failure?.Message)), history);
    }

    public static async Task<IReadOnlyList<HistoryEntry>> ReadLocalHistoryAsync(SlipwayConfig config, CancellationToken ct)
    {
        var path = ReleaseManager.LocalHistoryPath(config);
        return File.Exists(path)
            ? [.. (await File.ReadAllLinesAsync(path, ct)).Select(HistoryEntry.FromJson).OfType<HistoryEntry>()]
            : [];
    }
}
