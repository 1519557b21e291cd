using System.Security.Cryptography;
using Slipway.Build.Caching;
using Slipway.Build.Keys;
using Slipway.Build.Recipes;

namespace Slipway.Build.Building;

/// <summary>
/// Looks up what a key needs (I/O): the commit a ref points at, the patches' bytes, the allowlisted environment, the
/// tools' digests. Paths are only used to find things; only contents and names enter <see cref="ResolvedInputs"/>.
/// File digests go through <see cref="DigestCache"/> (a shortcut by stat, never a key input), and refs of repositories
/// on this machine are read from their files (<see cref="GitRefs"/>), so an unchanged plan starts no process.
/// </summary>
internal sealed class InputResolver(BuildOptions options, GitMirrors mirrors, PlatformInfo platform,
    IReadOnlyDictionary<string, string?> environment, DigestCache digests)
{
    // Many recipes name the same tools: PATH is searched once per tool and run.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _toolPaths = new(StringComparer.Ordinal);

    public async Task<ResolvedInputs> ResolveAsync(PackageRecipe recipe, CancellationToken ct)
    {
        var patches = new List<PatchDigest>();
        foreach (var patch in recipe.Patches)
        {
            var path = RecipePath(patch);
            if (!File.Exists(path))
            {
                throw new BuildStepException($"{recipe.Name}: patch {patch} not found ({path})");
            }

            patches.Add(new PatchDigest(Path.GetFileName(patch), await digests.Sha256Async(path, ct)));
        }

        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, value) in recipe.Env)
        {
            env[name] = value;
        }

        foreach (var name in recipe.EnvAllowlist)
        {
            env[name] = environment.GetValueOrDefault(name);
        }

        var tools = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tool in recipe.Tools)
        {
            tools[tool] = await digests.Sha256Async(_toolPaths.GetOrAdd(tool, t => FindTool(recipe.Name, t)), ct);
        }

        return new ResolvedInputs
        {
            SourceIdentity = await SourceIdentityAsync(recipe, ct),
            Patches = patches,
            Env = env,
            Platform = platform,
            ToolDigests = tools,
        };
    }

    public string RecipePath(string path) => Path.GetFullPath(path, options.RecipeDirectory);

    private async Task<string> SourceIdentityAsync(PackageRecipe recipe, CancellationToken ct)
    {
        var source = recipe.Source;
        return source.Kind switch
        {
            SourceKind.Git => "git " + await CommitAsync(source.Url!, source.Ref!, ct),
            SourceKind.Tarball => "tarball sha256:" + source.Sha256!.ToLowerInvariant(),
            _ => "local tree:" + await TreeHashAsync(RecipePath(source.Path!), digests, ct),
        };
    }

    /// <summary>
    /// The commit <paramref name="gitRef"/> names. A full commit id, or a ref read from the files of a repository on
    /// this machine, needs no git process once the commit it peels to is known (a branch's is itself; a tag's is
    /// remembered in the cache, as object ids name content); everything else fetches the mirror and asks git.
    /// </summary>
    private async Task<string> CommitAsync(string url, string gitRef, CancellationToken ct)
    {
        var target = GitRefs.IsObjectId(gitRef)
            ? new RefTarget(gitRef.ToLowerInvariant(), null)
            : GitRefs.LocalGitDir(url) is { } gitDir ? GitRefs.Resolve(gitDir, gitRef) : null;
        if (target is null)
        {
            return await mirrors.ResolveAsync(url, gitRef, ct);
        }

        if ((target.PeeledCommit ?? digests.Peeled(target.ObjectId)) is { } commit)
        {
            return commit;
        }

        var peeled = await mirrors.PeelAsync(url, target.ObjectId, gitRef, ct);
        digests.RememberPeeled(target.ObjectId, peeled);
        return peeled;
    }

    /// <summary>A hash of a directory's relative paths, modes and contents (not times, not its location); .git skipped.</summary>
    internal static async Task<string> TreeHashAsync(string root, DigestCache digests, CancellationToken ct)
    {
        if (!Directory.Exists(root))
        {
            throw new BuildStepException($"local source {root} does not exist");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => f != ".git" && !f.StartsWith(".git/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        foreach (var relative in files)
        {
            var full = Path.Combine(root, relative);
            var executable = !OperatingSystem.IsWindows() && (File.GetUnixFileMode(full) & UnixFileMode.UserExecute) != 0;
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{relative}\0{(executable ? "x" : "-")}\0"));
            hash.AppendData(Convert.FromHexString(await digests.Sha256Async(full, ct)));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private string FindTool(string package, string tool)
    {
        if (tool.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(tool) ? tool : throw new BuildStepException($"{package}: tool {tool} not found");
        }

        var path = environment.GetValueOrDefault("PATH") ?? "/usr/bin:/bin";
        foreach (var folder in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new BuildStepException($"{package}: tool {tool} not found on PATH");
    }
}
