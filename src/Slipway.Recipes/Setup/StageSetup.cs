using Slipway.Remote;

namespace Slipway.Recipes.Setup;

/// <summary>One host's setup: its result, and whether the host could be reached at all.</summary>
public sealed record HostSetupOutcome(HostSetupResult Result, bool Connected);

/// <summary>
/// <c>slipway setup</c> over a stage: every host brought to its <see cref="SetupPlan"/> through
/// <see cref="HostFanOut"/> (at most <see cref="MaxParallel"/> at once), in the order of the hosts.
/// </summary>
public static class StageSetup
{
    public const int MaxParallel = 10;

    public static async Task<IReadOnlyList<HostSetupOutcome>> RunAsync(StageTarget target, BinarySource binary, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        var config = target.Config;
        var connections = await target.Sessions.ConnectAllAsync(target.Hosts, MaxParallel, ct);
        var results = await HostFanOut.RunAsync(connections, int.MaxValue, async (c, token) => c.Session is null
                ? new HostSetupOutcome(new HostSetupResult(c.Host, [], [], c.Error!.Message), Connected: false)
                : new HostSetupOutcome(await new HostSetup(c.Session, SetupPlan.For(config, c.Host), binary, config.Application).RunAsync(token), Connected: true),
            (c, fault) => new HostSetupOutcome(new HostSetupResult(c.Host, [], [], fault.Message), Connected: fault.Kind != HostFaultKind.Unreachable),
            ct);
        ct.ThrowIfCancellationRequested();
        return results;
    }
}
