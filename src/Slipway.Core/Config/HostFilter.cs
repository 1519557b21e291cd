namespace Slipway.Core.Config;

/// <summary>
/// Picks the hosts of a stage that a command applies to, from <c>--roles</c> and <c>--hosts</c> filters
/// (Capistrano's ROLES= / HOSTS=). Pure: no I/O, so every case is tested alone.
/// </summary>
public static class HostFilter
{
    /// <summary>
    /// Hosts having any of <paramref name="roles"/> (all when empty) and matching any of <paramref name="hostPatterns"/>
    /// (all when empty). A pattern matches a host's name, <c>host:port</c> or its display name (<c>user@host:port</c>).
    /// </summary>
    public static HostSelection Select(StageConfig stage, IReadOnlyCollection<string> roles, IReadOnlyCollection<string> hostPatterns)
    {
        ArgumentNullException.ThrowIfNull(stage);
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(hostPatterns);

        var unknownRoles = roles.Where(r => !stage.Hosts.Any(h => h.HasRole(r))).ToList();
        if (unknownRoles.Count > 0)
        {
            var known = stage.Hosts.SelectMany(h => h.Roles).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            return HostSelection.Fail(
                $"no host of stage '{stage.Name}' has role {string.Join(", ", unknownRoles.Select(r => $"'{r}'"))}; " +
                $"roles in this stage: {string.Join(", ", known)}.");
        }

        var unknownHosts = hostPatterns.Where(p => !stage.Hosts.Any(h => Matches(h, p))).ToList();
        if (unknownHosts.Count > 0)
        {
            return HostSelection.Fail(
                $"no host of stage '{stage.Name}' is named {string.Join(", ", unknownHosts.Select(p => $"'{p}'"))}; " +
                $"hosts in this stage: {string.Join(", ", stage.Hosts.Select(h => h.DisplayName))}.");
        }

        var selected = stage.Hosts
            .Where(h => roles.Count == 0 || roles.Any(h.HasRole))
            .Where(h => hostPatterns.Count == 0 || hostPatterns.Any(p => Matches(h, p)))
            .ToList();
        if (selected.Count == 0)
        {
            return HostSelection.Fail($"no host of stage '{stage.Name}' has those roles and names at once.");
        }

        return new HostSelection(selected, null);
    }

    /// <summary>Splits comma-separated option values (<c>--roles web,db --roles worker</c>) into a list.</summary>
    public static IReadOnlyList<string> SplitList(IEnumerable<string>? values) =>
        values is null
            ? []
            : [.. values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Distinct(StringComparer.Ordinal)];

    /// <summary>Does <paramref name="pattern"/> name <paramref name="host"/> (its name, host:port or display name)?</summary>
    public static bool Matches(HostConfig host, string pattern)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(pattern);
        var port = host.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return string.Equals(pattern, host.Host, StringComparison.OrdinalIgnoreCase)
            || string.Equals(pattern, host.DisplayName, StringComparison.OrdinalIgnoreCase)
            || (port is not null && string.Equals(pattern, host.Host + ":" + port, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>The hosts picked, or why none could be.</summary>
public sealed record HostSelection(IReadOnlyList<HostConfig> Hosts, string? Error)
{
    public static HostSelection Fail(string error) => new([], error);
}
