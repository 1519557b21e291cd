using Slipway.Core.Config;
using Slipway.Deploy.Model;
using Slipway.Deploy.Source;

namespace Slipway.Deploy.Execution;

/// <summary>
/// What <c>promote FROM TO</c> found before deploying: FROM's live commit and the decision on it, and (when allowed)
/// what TO has live now.
/// </summary>
public sealed record PromotionPlan(StageConfig From, StageConfig To, StageLive Source, PromotionDecision Decision, StageLive? Target)
{
    /// <summary>TO already runs the commit on every host: nothing to deploy.</summary>
    public bool AlreadyThere => Target is { InStep: true } t && t.Commit == Decision.Commit;

    /// <summary>FROM could not be read on some host (the refusal is then a connection failure).</summary>
    public bool SourceUnreachable => Source.Hosts.Any(h => h.Problem == "unreachable");
}

/// <summary>
/// The promotion of the exact commit live on one stage to another: reads both stages, decides by <c>promote.min_age</c>,
/// lists the commits TO gains, and builds the deploy of that commit, which the one <see cref="ReleaseManager"/> runs.
/// </summary>
public sealed class Promotion(ReleaseManager manager, TimeProvider time)
{
    /// <summary>Reads FROM, decides, and (when allowed and not cancelled) reads TO.</summary>
    public async Task<PromotionPlan> PlanAsync(SlipwayConfig config, StageConfig from, StageConfig to, bool force, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var live = await manager.ReadLiveAsync(config, from, ct);
        var decision = PromotionPlanner.Decide(live, PromotionPlanner.RuleFor(config, from.Name, to.Name), force, time.GetUtcNow());
        var target = decision.Allowed && !ct.IsCancellationRequested ? await manager.ReadLiveAsync(config, to, ct) : null;
        return new PromotionPlan(from, to, live, decision, target);
    }

    /// <summary>The commits TO gains (at most <paramref name="max"/>), newest first; throws <see cref="SourceException"/>.</summary>
    public static Task<IReadOnlyList<CommitSummary>> GainsAsync(SlipwayConfig config, PromotionPlan plan, int max, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var origin = DeploySource.For(config);
        return origin.Resolver().LogAsync(origin.RepoUrl!, plan.Target?.MajorityCommit, plan.Decision.Commit!, max, ct);
    }

    /// <summary>The deploy of the promoted commit to TO, its message recording where it came from.</summary>
    public static DeployRequest Request(DeployRequest template, PromotionPlan plan, string? message)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(plan);
        var note = $"promoted from {plan.From.Name}" + (plan.Decision.Forced ? $" with --force ({plan.Decision.Reason})" : "");
        return template with
        {
            Stage = plan.To, Hosts = plan.To.Hosts, Revision = plan.Decision.Commit,
            Message = message is null ? note : $"{note}: {message}",
        };
    }
}
