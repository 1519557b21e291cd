using Slipway.Build.Building;
using Slipway.Build.Recipes;
using Slipway.Build.Store;
using Slipway.Build.Store.S3;
using Slipway.Build.Store.Signing;
using Slipway.Core.Config;
using Slipway.Core.Layout;

namespace Slipway.Build.Config;

/// <summary>
/// The typed <c>build:</c> section (bound in Core) turned into recipes and options, and the recipe rules and the
/// dependency graph checked as config diagnostics with file, line, column and key (what <c>config check</c> shows).
/// </summary>
public static class BuildSection
{
    public static IReadOnlyList<PackageRecipe> Recipes(BuildConfig build)
    {
        ArgumentNullException.ThrowIfNull(build);
        return [.. build.Packages.Select(p => ToRecipe(p, build.Directory))];
    }

    /// <summary>
    /// Stores from the config (the local folder, and the S3 store behind it when <c>build.s3</c> is set, with
    /// credentials from <paramref name="environment"/>); scratch space (checkouts, mirrors, logs) in
    /// <c>.slipway/build</c> next to slipway.yml. Throws <see cref="SigningKeyException"/> for a key that cannot be used.
    /// </summary>
    public static BuildOptions Options(BuildConfig build, int? parallelism, IReadOnlyDictionary<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(build);
        var verifier = build.Signing?.PublicKey is { } publicKey ? ManifestVerifier.Parse(publicKey) : null;
        var signer = build.Signing?.Key is { } key ? ManifestSigner.Load(key) : null;
        return new BuildOptions
        {
            StoreDirectory = build.Store,
            WorkDirectory = LocalState.ForDirectory(build.Directory).BuildWork,
            RecipeDirectory = build.Directory,
            Parallelism = parallelism ?? build.Jobs ?? 1,
            Remote = build.S3 is { } s3 ? new RemoteCache(S3Store(s3, environment ?? ProcessEnvironment()), s3.Timeout, verifier) : null,
            Signer = signer,
        };
    }

    private static S3ArtifactStore S3Store(BuildS3Config s3, IReadOnlyDictionary<string, string?> environment) =>
        new(new S3StoreSettings
        {
            Bucket = s3.Bucket,
            Prefix = s3.Prefix,
            Endpoint = s3.Endpoint,
            Region = s3.Region,
            Profile = s3.Profile,
            ReadOnly = s3.ReadOnly,
            LookupTimeout = s3.Timeout,
        }.WithEnvironment(environment));

    private static Dictionary<string, string?> ProcessEnvironment() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);

    /// <summary>Every recipe problem and a dependency cycle, at the key they concern; empty when the section is fine or absent.</summary>
    public static List<ConfigDiagnostic> Check(SlipwayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var problems = new List<ConfigDiagnostic>();
        if (config.Build is not { } build)
        {
            return problems;
        }

        var byName = build.Packages.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var recipes = Recipes(build);
        foreach (var error in RecipeValidator.Validate(recipes))
        {
            var package = byName[error.Package];
            var at = error.Field == "depends" && UnknownDependency(error.Message) is { } name && package.DependsLocations.TryGetValue(name, out var entry)
                ? entry
                : package.LocationOf(error.Field);
            problems.Add(Error(config, package, at, $"build.packages.{error.Package}.{error.Field}", error.Message));
        }

        if (problems.Count > 0)
        {
            return problems; // the graph needs valid recipes
        }

        try
        {
            BuildGraph.Create(recipes);
        }
        catch (DependencyCycleException e)
        {
            // Point at the first edge of the cycle: where its first package names the next.
            var first = byName[e.Cycle[0]];
            var at = first.DependsLocations.TryGetValue(e.Cycle[1], out var edge) ? edge : first.LocationOf("depends");
            problems.Add(Error(config, first, at, $"build.packages.{first.Name}.depends", e.Message));
        }

        return problems;
    }

    /// <summary>At <paramref name="at"/> in the file that declares <paramref name="package"/> (slipway.yml or one of build.include).</summary>
    private static ConfigDiagnostic Error(SlipwayConfig config, BuildPackageConfig package, SourceLocation at, string path, string message) =>
        new(DiagnosticSeverity.Error, package.File ?? config.SourceFile, at, path, message);

    // "./upstream" or "../libfoo" are read from slipway.yml's folder, like patches (the URL is not part of the key).
    private static string? GitUrl(string? url, string directory) =>
        url is not null && (url.StartsWith("./", StringComparison.Ordinal) || url.StartsWith("../", StringComparison.Ordinal))
            ? Path.GetFullPath(url, directory)
            : url;

    private static string? UnknownDependency(string message)
    {
        const string prefix = "unknown package '";
        return message.StartsWith(prefix, StringComparison.Ordinal) ? message[prefix.Length..].TrimEnd('\'') : null;
    }

    private static PackageRecipe ToRecipe(BuildPackageConfig p, string directory) => new()
    {
        Name = p.Name,
        Source = p.Source.Kind switch
        {
            "git" => new SourceSpec { Kind = SourceKind.Git, Url = GitUrl(p.Source.Url, directory), Ref = p.Source.Ref, Sha256 = p.Source.Sha256, Path = p.Source.Path },
            "tarball" => new SourceSpec { Kind = SourceKind.Tarball, Url = p.Source.Url, Ref = p.Source.Ref, Sha256 = p.Source.Sha256, Path = p.Source.Path },
            _ => new SourceSpec { Kind = SourceKind.Local, Url = p.Source.Url, Ref = p.Source.Ref, Sha256 = p.Source.Sha256, Path = p.Source.Path },
        },
        Patches = p.Patches,
        Steps = p.Steps,
        Depends = p.Depends,
        Env = p.Env,
        EnvAllowlist = p.EnvAllowlist,
        Tools = p.Tools,
        Platform = p.Platform,
    };
}
