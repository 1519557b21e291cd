namespace Slipway.Supervisor.Client;

/// <summary>What to do to one group, in order.</summary>
public enum UpdateStep
{
    /// <summary>stopProcessGroup (waits until every process is down).</summary>
    Stop,

    /// <summary>removeProcessGroup.</summary>
    Remove,

    /// <summary>addProcessGroup (autostart programs start on the next tick).</summary>
    Add,

    /// <summary>stopProcessGroup, then startProcessGroup.</summary>
    Restart,
}

public sealed record UpdateAction(UpdateStep Step, string Group)
{
    public override string ToString() => Step.ToString().ToLowerInvariant() + " " + Group;
}

/// <summary>
/// Turns reloadConfig's [added, changed, removed] and the groups asked to restart into the calls
/// <c>supervisorctl update</c> makes (removed: stop, remove; changed: stop, remove, add; added: add), followed by
/// restarts of the named groups that were not just (re)added, and the groups whose processes must then be RUNNING.
/// Pure: no I/O.
/// </summary>
public sealed record UpdatePlan(IReadOnlyList<UpdateAction> Actions, IReadOnlyList<string> WaitGroups)
{
    /// <param name="reload">What reloadConfig reported.</param>
    /// <param name="existingGroups">The groups the supervisor runs before the update (from getAllProcessInfo).</param>
    /// <param name="restart">Groups to restart (<c>web</c> or <c>web:*</c>).</param>
    /// <param name="restartAll">Restart every group that stays.</param>
    /// <exception cref="ArgumentException">A group to restart exists neither before nor after the update.</exception>
    public static UpdatePlan Create(ReloadResult reload, IReadOnlyCollection<string> existingGroups, IReadOnlyCollection<string> restart, bool restartAll)
    {
        ArgumentNullException.ThrowIfNull(reload);
        ArgumentNullException.ThrowIfNull(existingGroups);
        ArgumentNullException.ThrowIfNull(restart);
        var actions = new List<UpdateAction>();
        foreach (var g in reload.Removed)
        {
            actions.Add(new UpdateAction(UpdateStep.Stop, g));
            actions.Add(new UpdateAction(UpdateStep.Remove, g));
        }

        foreach (var g in reload.Changed)
        {
            actions.Add(new UpdateAction(UpdateStep.Stop, g));
            actions.Add(new UpdateAction(UpdateStep.Remove, g));
            actions.Add(new UpdateAction(UpdateStep.Add, g));
        }

        foreach (var g in reload.Added)
        {
            actions.Add(new UpdateAction(UpdateStep.Add, g));
        }

        var fresh = new HashSet<string>(reload.Added.Concat(reload.Changed), StringComparer.Ordinal);
        var after = existingGroups.Except(reload.Removed, StringComparer.Ordinal).Union(fresh, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        var wanted = restartAll
            ? after.Order(StringComparer.Ordinal).ToList()
            : restart.Select(GroupOf).Distinct(StringComparer.Ordinal).ToList();
        var unknown = wanted.Where(g => !after.Contains(g)).ToList();
        if (unknown.Count > 0)
        {
            var removed = unknown.Where(reload.Removed.Contains).ToList();
            throw new ArgumentException(removed.Count > 0
                ? $"cannot restart {string.Join(", ", removed)}: removed from the config by this update"
                : $"no such group: {string.Join(", ", unknown)} (the supervisor has: {(after.Count == 0 ? "none" : string.Join(", ", after.Order(StringComparer.Ordinal)))})");
        }

        foreach (var g in wanted.Where(g => !fresh.Contains(g)))
        {
            actions.Add(new UpdateAction(UpdateStep.Restart, g));
        }

        var wait = fresh.Union(wanted, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new UpdatePlan(actions, wait);
    }

    /// <summary><c>web:*</c> and <c>web:</c> name the group <c>web</c>.</summary>
    public static string GroupOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? name : name[..colon];
    }
}
