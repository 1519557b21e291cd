using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Slipway.Build.Store.Signing;

/// <summary>
/// What a signature covers: the package, its key (itself a hash of every input, checked on every read) and the
/// tarball's SHA-256 and size (checked before unpacking). A short fixed statement rather than the manifest's JSON, so
/// adding a manifest field later does not break older signatures.
/// </summary>
public static class ManifestSignature
{
    public static byte[] Statement(ArtifactManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"slipway-artifact-v1\n{manifest.Package}\n{manifest.Key}\n{manifest.ArtifactSha256}\n{manifest.ArtifactSize}\n"));
    }

    /// <summary>A key's id: the first 16 hex digits of SHA-256 over its 32 public bytes.</summary>
    public static string KeyId(ReadOnlySpan<byte> publicKey) => Convert.ToHexStringLower(SHA256.HashData(publicKey))[..16];
}
