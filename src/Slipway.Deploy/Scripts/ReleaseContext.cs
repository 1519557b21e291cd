using Slipway.Core.Config;
using Slipway.Core.Layout;

namespace Slipway.Deploy.Scripts;

/// <summary>What a phase script needs to know about the release it works on, on one host.</summary>
public sealed record ReleaseContext(
    HostLayout Paths, string Stage, string Release, string Commit, string Branch, string? Previous, string Host, string Action = "deploy")
{
    /// <summary>The variables every hook sees.</summary>
    public IReadOnlyDictionary<string, string> Environment() => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["SLIPWAY_ACTION"] = Action,
        ["SLIPWAY_STAGE"] = Stage,
        ["SLIPWAY_RELEASE"] = Release,
        ["SLIPWAY_RELEASE_PATH"] = Paths.Release(Release),
        ["SLIPWAY_REVISION"] = Commit,
        ["SLIPWAY_BRANCH"] = Branch,
        ["SLIPWAY_PREVIOUS_RELEASE"] = Previous ?? "",
        ["SLIPWAY_PREVIOUS_RELEASE_PATH"] = Previous is null ? "" : Paths.Release(Previous),
        ["SLIPWAY_DEPLOY_TO"] = Paths.DeployTo,
        ["SLIPWAY_SHARED_PATH"] = Paths.Shared,
        ["SLIPWAY_HOST"] = Host,
    };
}

public enum SourceStrategy
{
    Git,
    Upload,
}

/// <summary>How the release's files reach the host, and the commit's time when known locally.</summary>
public sealed record SourcePlan(SourceStrategy Strategy, string RepoUrl, DateTimeOffset? CommitTime);

/// <summary>Shared directories and files linked into every release.</summary>
public sealed record SharedLinks(IReadOnlyList<string> Dirs, IReadOnlyList<string> Files);

/// <summary>The hooks one host runs around one phase.</summary>
public sealed record HookSteps(IReadOnlyList<HookConfig> Before, IReadOnlyList<HookConfig> After)
{
    public static HookSteps None { get; } = new([], []);
}
