using Slipway.Build.Keys;
using Slipway.Build.Recipes;

namespace Slipway.Build.Tests.Support;

/// <summary>Small recipes and resolved inputs for the pure tests.</summary>
internal static class Recipes
{
    public static readonly PlatformInfo Linux = new("linux", "debian 12", "x64", "glibc 2.36");

    public static PackageRecipe Package(string name, params string[] depends) => new()
    {
        Name = name,
        Source = SourceSpec.Git("https://example.org/" + name + ".git", "main"),
        Steps = ["make", "make install PREFIX=$PREFIX"],
        Depends = depends,
    };

    public static ResolvedInputs Resolved(string commit = "1111111111111111111111111111111111111111",
        IReadOnlyList<PatchDigest>? patches = null, IReadOnlyDictionary<string, string?>? env = null, PlatformInfo? platform = null) => new()
    {
        SourceIdentity = "git " + commit,
        Patches = patches ?? [],
        Env = env ?? new Dictionary<string, string?>(),
        Platform = platform ?? Linux,
    };
}
