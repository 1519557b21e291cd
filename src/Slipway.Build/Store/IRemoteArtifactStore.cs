namespace Slipway.Build.Store;

/// <summary>
/// A shared artifact store behind the local one (S3 today). Implementations only talk to the store; time-outs, counting
/// and falling back to building are <see cref="RemoteCache"/>'s.
/// </summary>
public interface IRemoteArtifactStore : IDisposable
{
    /// <summary>"s3": the word the closing line counts under.</summary>
    string Kind { get; }

    /// <summary>Where it is, for messages: "s3://bucket/prefix".</summary>
    string Location { get; }

    bool IsReadOnly { get; }

    /// <summary>The manifest stored under the key, or null when there is none (a miss). Throws when the store cannot answer.</summary>
    Task<ArtifactManifest?> FindAsync(string package, string key, CancellationToken ct);

    /// <summary>Downloads the artifact into <paramref name="path"/> and checks its SHA-256 against the manifest.</summary>
    Task DownloadAsync(ArtifactManifest manifest, string path, CancellationToken ct);

    /// <summary>A URL anyone holding it can download the tarball from, for <paramref name="valid"/> (a presigned GET).</summary>
    string DownloadUrl(ArtifactManifest manifest, TimeSpan valid);

    /// <summary>Publishes an artifact: the tarball first, the manifest last, so a manifest is never there without its artifact.</summary>
    Task PutAsync(ArtifactManifest manifest, string artifactPath, CancellationToken ct);

    /// <summary>Every manifest in the store (each checked against its key), for <c>artifacts gc --s3</c>.</summary>
    Task<IReadOnlyList<ArtifactManifest>> ListAsync(CancellationToken ct);

    /// <summary>
    /// Removes <paramref name="manifests"/> (the manifest first, so a key is never published without its tarball), then
    /// the tarballs no manifest in <paramref name="kept"/> names.
    /// </summary>
    Task RemoveAsync(IReadOnlyList<ArtifactManifest> manifests, IReadOnlyList<ArtifactManifest> kept, CancellationToken ct);
}
