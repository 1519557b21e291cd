using Slipway.Core.Config;

namespace Slipway.Deploy.Model;

/// <summary>
/// Which hooks of a hook point run on which host: those whose roles the host has (all hosts when a hook names no
/// role); a <c>once: true</c> hook only on the primary host among the selected hosts with those roles (the first such
/// host when none is marked primary). Commands come back with the host's <c>${var}</c> values in. Pure.
/// </summary>
public static class HookPlanner
{
    public static IReadOnlyList<HookConfig> For(SlipwayConfig config, string point, HostConfig host, IReadOnlyList<HostConfig> selected)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(selected);
        if (!config.Hooks.TryGetValue(point, out var hooks))
        {
            return [];
        }

        return [.. hooks
            .Where(h => Applies(h.Roles, host) && (!h.Once || ReferenceEquals(OnceHost(h, selected), host)))
            .Select(h => h with { Run = HostVars.Expand(h.Run, host), Shown = h.Shown is null ? null : HostVars.Expand(h.Shown, host) })];
    }

    public static IReadOnlyList<RequirementConfig> Requirements(SlipwayConfig config, HostConfig host)
    {
        ArgumentNullException.ThrowIfNull(config);
        return [.. config.Requirements.Where(r => Applies(r.Roles, host))];
    }

    private static bool Applies(IReadOnlyList<string> roles, HostConfig host) => roles.Count == 0 || roles.Any(host.HasRole);

    private static HostConfig? OnceHost(HookConfig hook, IReadOnlyList<HostConfig> selected)
    {
        var candidates = selected.Where(h => Applies(hook.Roles, h)).ToList();
        return candidates.FirstOrDefault(h => h.Primary) ?? candidates.FirstOrDefault();
    }
}
