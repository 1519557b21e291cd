namespace Slipway.Supervisor.Client;

/// <summary>The result of an update or restart: what changed, what was done, and how the processes ended up.</summary>
public sealed record UpdateOutcome(ReloadResult Reload, IReadOnlyList<UpdateAction> Actions, Judgement Judgement)
{
    public bool Succeeded => Judgement.Verdict == Verdict.Running;
}

/// <summary>
/// <c>agent supervisor update</c> and <c>restart</c> against a live supervisor: reloadConfig, apply the
/// <see cref="UpdatePlan"/>, then wait for the affected processes with <see cref="ProcessWaiter"/>.
/// </summary>
public sealed class SupervisorUpdater(SupervisorClient client, ProcessWaiter waiter)
{
    public async Task<UpdateOutcome> UpdateAsync(IReadOnlyCollection<string> restart, bool restartAll, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(restart);
        var before = await client.GetAllProcessInfoAsync(ct);
        var reload = await client.ReloadConfigAsync(ct);
        var plan = UpdatePlan.Create(reload, before.Select(p => p.Group).Distinct(StringComparer.Ordinal).ToList(), restart, restartAll);
        foreach (var action in plan.Actions)
        {
            await ApplyAsync(action, ct);
        }

        var judgement = await waiter.WaitAsync(client.GetAllProcessInfoAsync, plan.WaitGroups, timeout, ct);
        return new UpdateOutcome(reload, plan.Actions, judgement);
    }

    /// <summary>Restarts processes or groups (<c>web</c>, <c>web:*</c>, <c>web:web_00</c>) or everything when none is given.</summary>
    public async Task<UpdateOutcome> RestartAsync(IReadOnlyCollection<string> names, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(names);
        var all = await client.GetAllProcessInfoAsync(ct);
        var selectors = names.Count > 0 ? names.ToList() : all.Select(p => p.Group).Distinct(StringComparer.Ordinal).ToList();
        var unknown = selectors.Where(s => !all.Any(p => StartupJudge.Matches(p, s))).ToList();
        if (unknown.Count > 0)
        {
            throw new SupervisorFaultException("restart", XmlRpc.Faults.BadName, "BAD_NAME: " + string.Join(", ", unknown));
        }

        var actions = new List<UpdateAction>();
        foreach (var s in selectors)
        {
            var group = UpdatePlan.GroupOf(s);
            var isGroup = s.EndsWith(":*", StringComparison.Ordinal) || s.EndsWith(':') ||
                (!s.Contains(':', StringComparison.Ordinal) && all.Any(p => p.Group == s));
            if (isGroup)
            {
                actions.Add(new UpdateAction(UpdateStep.Restart, group));
                await client.StopProcessGroupAsync(group, wait: true, ct);
                await client.StartProcessGroupAsync(group, wait: false, ct);
            }
            else
            {
                actions.Add(new UpdateAction(UpdateStep.Restart, s));
                await StopIfRunningAsync(s, ct);
                await client.StartProcessAsync(s, wait: false, ct);
            }
        }

        var judgement = await waiter.WaitAsync(client.GetAllProcessInfoAsync, selectors, timeout, ct);
        return new UpdateOutcome(new ReloadResult([], [], []), actions, judgement);
    }

    private async Task ApplyAsync(UpdateAction action, CancellationToken ct)
    {
        switch (action.Step)
        {
            case UpdateStep.Stop:
                await client.StopProcessGroupAsync(action.Group, wait: true, ct);
                break;
            case UpdateStep.Remove:
                await client.RemoveProcessGroupAsync(action.Group, ct);
                break;
            case UpdateStep.Add:
                try
                {
                    await client.AddProcessGroupAsync(action.Group, ct);
                }
                catch (SupervisorFaultException e) when (e.Code == XmlRpc.Faults.AlreadyAdded)
                {
                    // Added meanwhile by someone else: the same outcome.
                }

                break;
            case UpdateStep.Restart:
                await client.StopProcessGroupAsync(action.Group, wait: true, ct);
                await client.StartProcessGroupAsync(action.Group, wait: false, ct);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(action), action.Step, null);
        }
    }

    private async Task StopIfRunningAsync(string name, CancellationToken ct)
    {
        try
        {
            await client.StopProcessAsync(name, wait: true, ct);
        }
        catch (SupervisorFaultException e) when (e.Code == XmlRpc.Faults.NotRunning)
        {
            // Already down: restart means start.
        }
    }
}
