using Slipway.Build.Building;
using Slipway.Build.Config;
using Slipway.Build.Recipes;
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
    /// </summary>
    public static async Task<IReadOnlyList<VendorArtifact>> FindAsync(BuildConfig build, Action<string>? warning, CancellationToken ct)
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
            if (package.Where != "local" && options.Remote is { } shared)
            {
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
