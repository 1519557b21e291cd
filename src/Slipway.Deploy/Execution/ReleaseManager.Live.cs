using Slipway.Core.Config;
using Slipway.Core.Layout;
using Slipway.Deploy.Model;

namespace Slipway.Deploy.Execution;

public sealed partial class ReleaseManager
{
    /// <summary>What every host of <paramref name="stage"/> has live (one round trip per host), folded with this machine's history.</summary>
    public async Task<StageLive> ReadLiveAsync(SlipwayConfig config, StageConfig stage, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(stage);
        var listings = await ReleasesAsync(new DeployRequest { Config = config, Stage = stage, Hosts = stage.Hosts }, ct);
        var history = await LocalRecords.ReadHistoryAsync(LocalState.For(config), ct);
        return StageLive.From(stage.Name, listings.Select(l => (l.Host, l.State, l.Failure?.Message)), history);
    }
}
