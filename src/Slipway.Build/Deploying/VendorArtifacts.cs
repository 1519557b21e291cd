using Slipway.Build.Building;
using Slipway.Build.Config;
using Slipway.Build.Recipes;
using Slipway.Build.Store;
using Slipway.Build.Store.Signing;
using Slipway.Core.Config;
using Slipway.Core.Vendor;

namespace Slipway.Build.Deploying;

/// <summary>
/// What a deploy installs (docs/build.md, "Deploy integration"): every package with <c>roles</c> and its dependencies,
/// planned with this machine's keys. An artifact in the local store is used as it is; one in the shared store is
/// downloaded (verified) into the local store first; one nowhere, or refused by <c>build.signing.public_key</c>, comes
/// back with its problem, so the hosts that need it fail their update and nothing is built during a deploy.
/// </summary>
public static class VendorArtifacts
{
    /// <summary>Whether any package is deployed (has <c>roles</c>).</summary>
    public static bool AnyDeployed(SlipwayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Build?.Packages.Any(p => p.Roles.Count > 0) == true;
    }

    /// <summary>
    /// The artifacts in dependency order. Throws <see cref="BuildStepException"/> when planning fails (a git ref that does
    /// not resolve), <see cref="Store.CorruptArtifactException"/> for a corrupt store, <see cref="SigningKeyException"/>.
    /// With <paramref name="fetch"/> false (<c>slipway check</c>, <c>deploy --dry-run</c>) nothing is downloaded: an
    /// artifact found only in the shared store comes back without a tarball and without a problem (<see cref="InSharedStore"/>).
    /// </summary>
    public static async Task<IReadOnlyList<VendorArtifact>> FindAsync(BuildConfig build, Action<string>? warning, CancellationToken ct,
        bool fetch = true)
    {
        ArgumentNullException.ThrowIfNull(build);
        var deployed = build.Packages.Where(p => p.Roles.Count > 0).ToList();
        if (deployed.Count == 0)
        {
            return [];
        }

        var recipes = BuildSection.Recipes(build);
        var roles = Roles(BuildGraph.Create(recipes), deployed);
        var verifier = build.Signing?.PublicKey is { } publicKey ? ManifestVerifier.Parse(publicKey) : null;
        var options = BuildSection.Options(build, parallelism: null);
        if (options.Remote is { } remote && warning is not null)
        {
            remote.Warning += warning;
        }

        using var builder = new PackageBuilder(options);
        var plan = await builder.PlanAsync(recipes, [.. deployed.Select(p => p.Name)], ct);
        var result = new List<VendorArtifact>();
        foreach (var package in plan.Packages)
        {
            var key = package.Key.Key;
            var wanted = roles[package.Name];
            if (package.Cached is not { } manifest)
            {
                result.Add(new VendorArtifact(package.Name, key, "", 0, null, wanted,
                    $"not in the local store{(options.Remote is null ? "" : " nor the shared one")} ({package.Reason}); run `slipway build {package.Name}` first"));
                continue;
            }

            string? problem = null;
            if (fetch && build.S3 is { HostsFetch: true } && options.Remote is { } direct
                && await HostsFetchUrlAsync(direct, package, manifest, warning, ct) is { } url)
            {
                // The host downloads it; a local copy, when there is one, is not needed.
                var local = package.Where == "local" ? builder.Store.ArtifactPath(manifest) : null;
                result.Add(new VendorArtifact(package.Name, key, manifest.ArtifactSha256, manifest.ArtifactSize, local, wanted, Url: url));
                continue;
            }

            if (package.Where != "local" && options.Remote is { } shared)
            {
                if (!fetch)
                {
                    result.Add(new VendorArtifact(package.Name, key, manifest.ArtifactSha256, manifest.ArtifactSize, null, wanted));
                    continue;
                }

                problem = await shared.FetchAsync(manifest, builder.Store, Path.Combine(options.WorkDirectory, "fetch"), ct);
            }
            else if (verifier?.Check(manifest) is { } refusal)
            {
                // The shared store's manifests were checked when looked up; the local store's are checked here, since
                // a deploy ships them to other machines.
                problem = $"refused: {refusal}";
            }

            result.Add(new VendorArtifact(package.Name, key, manifest.ArtifactSha256, manifest.ArtifactSize,
                problem is null ? builder.Store.ArtifactPath(manifest) : null, wanted, problem));
        }

        return result;
    }

    /// <summary>How long a host may take to start downloading an artifact through its presigned URL.</summary>
    public static readonly TimeSpan UrlValidity = TimeSpan.FromHours(1);

    /// <summary>
    /// A presigned URL for <c>hosts_fetch</c> when the shared store has the artifact (looked up when it was found only
    /// locally: built here, maybe never pushed); null: the deploying machine pushes it instead.
    /// </summary>
    private static async Task<string?> HostsFetchUrlAsync(RemoteCache remote, PackagePlan package, ArtifactManifest manifest,
        Action<string>? warning, CancellationToken ct)
    {
        if (package.Where == "local" && await remote.LookupAsync(package.Name, package.Key.Key, ct) is null)
        {
            return null;
        }

        try
        {
            return remote.Store.DownloadUrl(manifest, UrlValidity);
        }
        catch (Amazon.Runtime.AmazonClientException e)
        {
            warning?.Invoke($"{remote.Store.Location}: cannot presign {package.Name} for the hosts ({e.Message}); pushing it instead");
            return null;
        }
    }

    /// <summary>Found only in the shared store by a look-up that did not download it (a deploy would).</summary>
    public static bool InSharedStore(VendorArtifact artifact)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        return artifact.Problem is null && artifact.Tarball is null;
    }

    /// <summary>A deployed package's roles, and for every dependency the union of the roles of the packages that need it.</summary>
    internal static Dictionary<string, IReadOnlyList<string>> Roles(BuildGraph graph, IReadOnlyList<BuildPackageConfig> deployed)
    {
        var roles = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var package in deployed)
        {
            foreach (var recipe in graph.Closure([package.Name]))
            {
                if (!roles.TryGetValue(recipe.Name, out var set))
                {
                    roles[recipe.Name] = set = new SortedSet<string>(StringComparer.Ordinal);
                }

                set.UnionWith(package.Roles);
            }
        }

        return roles.ToDictionary(r => r.Key, r => (IReadOnlyList<string>)[.. r.Value], StringComparer.Ordinal);
    }
}
