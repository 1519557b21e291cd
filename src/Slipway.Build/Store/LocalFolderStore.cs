using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;

namespace Slipway.Build.Store;

/// <summary>Thrown when a stored artifact does not match its manifest (or the manifest its key): never used, never trusted.</summary>
public sealed class CorruptArtifactException(string message) : Exception(message);

/// <summary>
/// Artifacts in a folder: <c>&lt;root&gt;/&lt;package&gt;/&lt;key&gt;/{artifact.tar.gz,manifest.json}</c>. A put is written
/// under <c>&lt;root&gt;/.incoming/</c> and renamed into place in one step, so a key's folder is either complete or
/// absent, even if the process is killed. Reads recompute the key from the manifest's inputs and the tarball's hash.
/// </summary>
public sealed class LocalFolderStore(string root)
{
    public const string ArtifactFile = "artifact.tar.gz";
    public const string ManifestFile = "manifest.json";

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The manifest of <paramref name="key"/>, or null when absent. Throws <see cref="CorruptArtifactException"/>.</summary>
    public async Task<ArtifactManifest?> FindAsync(string package, string key, CancellationToken ct)
    {
        var path = Path.Combine(Folder(package, key), ManifestFile);
        return File.Exists(path) ? await ReadManifestAsync(path, package, key, ct) : null;
    }

    /// <summary>The most recently built artifact of a package, whatever its key: what explanations compare with.</summary>
    public async Task<ArtifactManifest?> NewestAsync(string package, CancellationToken ct)
    {
        var folder = Path.Combine(Root, package);
        if (!Directory.Exists(folder))
        {
            return null;
        }

        ArtifactManifest? newest = null;
        foreach (var keyFolder in Directory.EnumerateDirectories(folder))
        {
            var path = Path.Combine(keyFolder, ManifestFile);
            if (!File.Exists(path))
            {
                continue;
            }

            var manifest = await ReadManifestAsync(path, package, Path.GetFileName(keyFolder), ct);
            if (newest is null || manifest.BuiltAt > newest.BuiltAt)
            {
                newest = manifest;
            }
        }

        return newest;
    }

    /// <summary>
    /// The manifests whose key starts with <paramref name="keyPrefix"/>, in any package (what <c>build diff</c> looks
    /// up: keys are unique across packages, and a prefix saves typing 64 hex digits).
    /// </summary>
    public async Task<IReadOnlyList<ArtifactManifest>> FindByKeyAsync(string keyPrefix, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyPrefix);
        var found = new List<ArtifactManifest>();
        foreach (var (package, keyFolder) in KeyFolders())
        {
            var key = Path.GetFileName(keyFolder);
            var path = Path.Combine(keyFolder, ManifestFile);
            if (key.StartsWith(keyPrefix, StringComparison.OrdinalIgnoreCase) && File.Exists(path))
            {
                found.Add(await ReadManifestAsync(path, package, key, ct));
            }
        }

        return found;
    }

    /// <summary>
    /// Deletes all but the <paramref name="keep"/> newest artifacts of every package (by build time); returns the removed
    /// artifacts. A deleted key folder is first renamed aside (in one step), so a
    /// reader never sees half of one.
    /// </summary>
    public async Task<IReadOnlyList<ArtifactManifest>> PruneAsync(int keep, CancellationToken ct)
    {
        var removed = new List<ArtifactManifest>();
        foreach (var (manifest, folder) in await OlderThanNewestAsync(keep, ct))
        {
            var aside = Path.Combine(Root, ".incoming", "gc-" + Path.GetFileName(folder) + "-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path.GetDirectoryName(aside)!);
            Directory.Move(folder, aside);
            Directory.Delete(aside, recursive: true);
            removed.Add(manifest);
        }

        return removed;
    }

    /// <summary>What <see cref="PruneAsync"/> would remove, removing nothing.</summary>
    public async Task<IReadOnlyList<ArtifactManifest>> PruneCandidatesAsync(int keep, CancellationToken ct) =>
        [.. (await OlderThanNewestAsync(keep, ct)).Select(c => c.Manifest)];

    private async Task<List<(ArtifactManifest Manifest, string Folder)>> OlderThanNewestAsync(int keep, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        var result = new List<(ArtifactManifest, string)>();
        foreach (var group in KeyFolders().GroupBy(k => k.Package, StringComparer.Ordinal))
        {
            var stored = new List<(ArtifactManifest Manifest, string Folder)>();
            foreach (var (package, keyFolder) in group)
            {
                var path = Path.Combine(keyFolder, ManifestFile);
                if (File.Exists(path))
                {
                    stored.Add((await ReadManifestAsync(path, package, Path.GetFileName(keyFolder), ct), keyFolder));
                }
            }

            result.AddRange(stored.OrderByDescending(s => s.Manifest.BuiltAt).Skip(keep));
        }

        return result;
    }

    private IEnumerable<(string Package, string Folder)> KeyFolders()
    {
        if (!Directory.Exists(Root))
        {
            yield break;
        }

        foreach (var packageFolder in Directory.EnumerateDirectories(Root).Order(StringComparer.Ordinal))
        {
            var package = Path.GetFileName(packageFolder);
            if (package.StartsWith('.'))
            {
                continue; // .incoming
            }

            foreach (var keyFolder in Directory.EnumerateDirectories(packageFolder).Order(StringComparer.Ordinal))
            {
                yield return (package, keyFolder);
            }
        }
    }

    /// <summary>Stores an artifact atomically; a key already present is kept (same inputs, same content by contract).</summary>
    public async Task PutAsync(ArtifactManifest manifest, string artifactPath, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var final = Folder(manifest.Package, manifest.Key);
        if (Directory.Exists(final))
        {
            return;
        }

        var incoming = Path.Combine(Root, ".incoming", $"{manifest.Key}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(incoming);
        try
        {
            File.Copy(artifactPath, Path.Combine(incoming, ArtifactFile));
            await using (var stream = File.Create(Path.Combine(incoming, ManifestFile)))
            {
                await JsonSerializer.SerializeAsync(stream, manifest, ManifestJsonContext.Default.ArtifactManifest, ct);
                await stream.FlushAsync(ct);
                stream.Flush(flushToDisk: true);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            Directory.Move(incoming, final);
        }
        catch (IOException) when (Directory.Exists(final))
        {
            // Another builder stored the same key first: theirs is as good as ours.
        }
        finally
        {
            if (Directory.Exists(incoming))
            {
                Directory.Delete(incoming, recursive: true);
            }
        }
    }

    /// <summary>Verifies the tarball against its manifest, then unpacks it into <paramref name="destination"/>.</summary>
    public async Task UnpackAsync(ArtifactManifest manifest, string destination, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var artifact = Path.Combine(Folder(manifest.Package, manifest.Key), ArtifactFile);
        if (!File.Exists(artifact))
        {
            throw new CorruptArtifactException($"{manifest.Package} {manifest.Key}: {ArtifactFile} is missing");
        }

        var actual = await FileHashing.Sha256Async(artifact, ct);
        if (actual != manifest.ArtifactSha256)
        {
            throw new CorruptArtifactException(
                $"{manifest.Package} {manifest.Key}: {ArtifactFile} hashes to {actual}, the manifest says {manifest.ArtifactSha256}");
        }

        Directory.CreateDirectory(destination);
        await using var file = File.OpenRead(artifact);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await TarFile.ExtractToDirectoryAsync(gzip, destination, overwriteFiles: true, ct);
    }

    /// <summary>
    /// Records that <paramref name="manifest"/>'s artifact could not be pushed to the shared store (an empty file
    /// <c>.unpushed/PACKAGE/KEY</c>), so a later run pushes it (<see cref="UnpushedAsync"/>).
    /// </summary>
    public void MarkUnpushed(ArtifactManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var marker = UnpushedMarker(manifest.Package, manifest.Key);
        Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
        File.WriteAllBytes(marker, []);
    }

    /// <summary>The pushed artifact is no longer left over.</summary>
    public void ClearUnpushed(ArtifactManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        File.Delete(UnpushedMarker(manifest.Package, manifest.Key));
    }

    /// <summary>Artifacts marked by <see cref="MarkUnpushed"/> that are still stored, oldest first (markers of removed ones are dropped).</summary>
    public async Task<IReadOnlyList<ArtifactManifest>> UnpushedAsync(CancellationToken ct)
    {
        var folder = Path.Combine(Root, ".unpushed");
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var result = new List<ArtifactManifest>();
        foreach (var marker in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var key = Path.GetFileName(marker);
            var package = Path.GetFileName(Path.GetDirectoryName(marker)!);
            if (await FindAsync(package, key, ct) is { } manifest)
            {
                result.Add(manifest);
            }
            else
            {
                File.Delete(marker);
            }
        }

        return [.. result.OrderBy(m => m.BuiltAt)];
    }

    private string UnpushedMarker(string package, string key) => Path.Combine(Root, ".unpushed", package, key);

    /// <summary>Where the tarball of <paramref name="manifest"/> is (not checked: <see cref="UnpackAsync"/> and deploys verify it).</summary>
    public string ArtifactPath(ArtifactManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return Path.Combine(Folder(manifest.Package, manifest.Key), ArtifactFile);
    }

    private string Folder(string package, string key) => Path.Combine(Root, package, key);

    private static async Task<ArtifactManifest> ReadManifestAsync(string path, string package, string key, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        return await ManifestReader.ReadAsync(stream, path, package, key, ct);
    }
}
