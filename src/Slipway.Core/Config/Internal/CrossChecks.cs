namespace Slipway.Core.Config.Internal;

/// <summary>Checks that span sections: every role a hook, requirement or process asks for must belong to some host.</summary>
internal static class CrossChecks
{
    public static void CheckRoles(BindContext context, IReadOnlyList<StageConfig> stages)
    {
        // With a stage or host in error its roles are unknown; stay quiet rather than report a role that may well exist.
        if (stages.Count == 0 || context.HasErrorsUnder(ConfigKeys.Stages))
        {
            return;
        }

        var known = stages.SelectMany(s => s.Hosts).SelectMany(h => h.Roles).ToHashSet(StringComparer.Ordinal);
        var list = known.Count == 0
            ? "no host has any roles"
            : "roles given to hosts: " + string.Join(", ", known.Order(StringComparer.Ordinal));
        foreach (var (role, location, path) in context.RoleUses.Where(u => !known.Contains(u.Role)))
        {
            context.Error(location, path, $"role '{role}' is not given to any host; {list}");
        }
    }
}
