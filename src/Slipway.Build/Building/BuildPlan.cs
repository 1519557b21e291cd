using Slipway.Build.Keys;
using Slipway.Build.Recipes;
using Slipway.Build.Store;

namespace Slipway.Build.Building;

/// <summary>What a run decided for one package before building anything: its key, and cached or why it must build.</summary>
/// <param name="Recipe">The package.</param>
/// <param name="Key">Its key and the inputs that made it.</param>
/// <param name="Cached">The stored artifact with this key, or null: the package must be built.</param>
/// <param name="Newest">The newest stored artifact of the package (any key), what <see cref="Reason"/> compares with.</param>
/// <param name="Reason">"cached", "never built", or the differing inputs in plain words (<see cref="Explain.InputDiff"/>).</param>
/// <param name="Where">Which store has it when cached: "local" or the shared store's kind ("s3"); null when it must build.</param>
public sealed record PackagePlan(PackageRecipe Recipe, PackageKey Key, ArtifactManifest? Cached, ArtifactManifest? Newest,
    string Reason, string? Where = null)
{
    public string Name => Recipe.Name;

    public bool MustBuild => Cached is null;
}

/// <summary>The decisions for a run, in topological order; what <c>--explain</c> and <c>--dry-run</c> print.</summary>
public sealed record BuildPlan(IReadOnlyList<PackagePlan> Packages, PlatformInfo Platform)
{
    public PackagePlan this[string name] => Packages.Single(p => p.Name == name);
}
