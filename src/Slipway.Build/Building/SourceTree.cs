using Slipway.Build.Recipes;
using Slipway.Build.Store;

namespace Slipway.Build.Building;

/// <summary>Makes a package's source tree in a scratch folder and applies its patches in order.</summary>
internal sealed class SourceTree(GitMirrors mirrors, InputResolver resolver, HttpClient http, string tarballCache)
{
    /// <summary>Checks the source out into <paramref name="folder"/> (which must not exist) and returns the tree's root.</summary>
    public async Task<string> CheckoutAsync(PackageRecipe recipe, string sourceIdentity, string folder, TextWriter log,
        CancellationToken ct)
    {
        var source = recipe.Source;
        switch (source.Kind)
        {
            case SourceKind.Git:
                var commit = sourceIdentity["git ".Length..];
                var mirror = await mirrors.MirrorWithAsync(source.Url!, commit, ct);
                await ProcessRunner.GitAsync(Path.GetDirectoryName(folder)!, log, ct, "clone", "--quiet", "--no-checkout", mirror, folder);
                await ProcessRunner.GitAsync(folder, log, ct, "-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", commit);
                return folder;
            case SourceKind.Tarball:
                var tarball = await FetchTarballAsync(source.Url!, source.Sha256!.ToLowerInvariant(), ct);
                Directory.CreateDirectory(folder);
                var untar = await ProcessRunner.RunAsync("tar", ["-xf", tarball, "-C", folder], folder, log, ct);
                if (untar.ExitCode != 0)
                {
                    throw new BuildStepException($"{recipe.Name}: cannot unpack {source.Url}: {untar.Output.Trim()}");
                }

                // Most tarballs hold one top folder (name-1.2/); the build runs inside it.
                var entries = Directory.GetFileSystemEntries(folder);
                return entries.Length == 1 && Directory.Exists(entries[0]) ? entries[0] : folder;
            default:
                CopyTree(resolver.RecipePath(source.Path!), folder);
                return folder;
        }
    }

    /// <summary>Applies each patch with <c>git apply</c>, falling back to <c>patch -p1</c>; a failure names patch, file and hunk.</summary>
    public async Task ApplyPatchesAsync(PackageRecipe recipe, string tree, TextWriter log, CancellationToken ct)
    {
        foreach (var patch in recipe.Patches)
        {
            var path = resolver.RecipePath(patch);
            var name = Path.GetFileName(patch);
            await log.WriteLineAsync($"== patch {name}");
            var git = await ProcessRunner.RunAsync("git", ["apply", "--verbose", path], tree, log, ct);
            if (git.ExitCode == 0)
            {
                continue;
            }

            // A dry run first: patch applies the hunks that fit and leaves the tree half-patched otherwise.
            string[] args = ["-p1", "--batch", "--forward", "-i", path];
            var dryRun = await ProcessRunner.RunAsync("patch", ["--dry-run", .. args], tree, log, ct);
            if (dryRun.ExitCode == 0 && (await ProcessRunner.RunAsync("patch", args, tree, log, ct)).ExitCode == 0)
            {
                continue;
            }

            throw new BuildStepException(
                $"{recipe.Name}: patch {name} does not apply: {PatchFailure.Describe(dryRun.Output, git.Output)}");
        }
    }

    private async Task<string> FetchTarballAsync(string url, string sha256, CancellationToken ct)
    {
        Directory.CreateDirectory(tarballCache);
        var cached = Path.Combine(tarballCache, sha256);
        if (File.Exists(cached))
        {
            return cached;
        }

        var partial = cached + ".partial-" + Guid.NewGuid().ToString("N");
        try
        {
            await using (var target = File.Create(partial))
            {
                if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                {
                    await using var body = await http.GetStreamAsync(uri, ct);
                    await body.CopyToAsync(target, ct);
                }
                else
                {
                    var local = url.StartsWith("file://", StringComparison.Ordinal) ? new Uri(url).LocalPath : resolver.RecipePath(url);
                    await using var file = File.OpenRead(local);
                    await file.CopyToAsync(target, ct);
                }
            }

            var actual = await FileHashing.Sha256Async(partial, ct);
            if (actual != sha256)
            {
                throw new BuildStepException($"tarball {url} hashes to {actual}, the recipe says {sha256}");
            }

            File.Move(partial, cached, overwrite: true);
            return cached;
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private static void CopyTree(string from, string to)
    {
        if (!Directory.Exists(from))
        {
            throw new BuildStepException($"local source {from} does not exist");
        }

        Directory.CreateDirectory(to);
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }

        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
