using System.Text.Json;
using Slipway.Build.Keys;

namespace Slipway.Build.Store;

/// <summary>Reads a manifest.json from any store and trusts it only when its package, key and inputs agree.</summary>
internal static class ManifestReader
{
    /// <summary>The manifest in <paramref name="stream"/>, read from <paramref name="origin"/> (a path or an s3:// URL, for messages).</summary>
    public static async Task<ArtifactManifest> ReadAsync(Stream stream, string origin, string package, string key, CancellationToken ct)
    {
        ArtifactManifest? manifest;
        try
        {
            manifest = await JsonSerializer.DeserializeAsync(stream, ManifestJsonContext.Default.ArtifactManifest, ct);
        }
        catch (JsonException e)
        {
            throw new CorruptArtifactException($"{origin}: not a valid manifest ({e.Message})");
        }

        if (manifest is null || manifest.Package != package || manifest.Key != key || ContentKey.Compute(manifest.Inputs) != key)
        {
            throw new CorruptArtifactException($"{origin}: its package, key or inputs do not match {package} {key}");
        }

        return manifest;
    }

    public static byte[] Serialize(ArtifactManifest manifest) =>
        JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestJsonContext.Default.ArtifactManifest);
}
