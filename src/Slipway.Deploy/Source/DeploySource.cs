using Slipway.Core.Config;
using Slipway.Core.Layout;
using Slipway.Deploy.Scripts;

namespace Slipway.Deploy.Source;

/// <summary>
/// Where a config's code comes from, decided once: <c>repo_url</c> as git should see it, the strategy that ships it,
/// and the local mirror the upload strategy archives from. Deploy, dry-run, promote and status all read this.
/// </summary>
public sealed record DeploySource(string? RepoUrl, SourceStrategy Strategy, string CacheDir)
{
    public static DeploySource For(SlipwayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new DeploySource(RepoUrlFor(config), config.SourceStrategy == "upload" ? SourceStrategy.Upload : SourceStrategy.Git,
            LocalState.For(config).GitCache);
    }

    /// <summary>The message when repo_url is missing: nothing can be deployed.</summary>
    public static string MissingRepoUrl(SlipwayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return $"repo_url is not set in {config.SourceFile}; it says where the code to deploy comes from";
    }

    /// <summary>The resolver over this source's mirror.</summary>
    public SourceResolver Resolver(ILocalGit? git = null) => new(git ?? new LocalGit(), CacheDir);

    /// <summary>
    /// repo_url as git should see it: URLs and <c>host:path</c> as written; a relative local path is taken relative to
    /// slipway.yml's directory (so <c>repo_url: ../..</c> in a file inside the repository works from anywhere).
    /// </summary>
    private static string? RepoUrlFor(SlipwayConfig config)
    {
        var url = config.RepoUrl;
        if (string.IsNullOrEmpty(url) || url.Contains("://", StringComparison.Ordinal) || Path.IsPathRooted(url))
        {
            return url;
        }

        var colon = url.IndexOf(':', StringComparison.Ordinal);
        var slash = url.IndexOf('/', StringComparison.Ordinal);
        if (colon > 0 && (slash < 0 || colon < slash))
        {
            return url; // scp-like user@host:path
        }

        var dir = Path.GetDirectoryName(Path.GetFullPath(config.SourceFile)) ?? ".";
        return Path.GetFullPath(Path.Combine(dir, url));
    }
}
