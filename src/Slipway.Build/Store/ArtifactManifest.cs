using System.Text.Json.Serialization;
using Slipway.Build.Keys;

namespace Slipway.Build.Store;

/// <summary>One file of an install prefix: relative path, SHA-256 and size (a symlink has its target instead).</summary>
public sealed record ManifestFile(string Path, string? Sha256, long Size, string? LinkTarget = null);

/// <summary>
/// What is stored beside an artifact (manifest.json): its key, every input that made the key, the files of the prefix
/// with their hashes, the tarball's hash, and when and by whom it was built. Build time and builder are facts about
/// this artifact, never inputs of its key.
/// </summary>
public sealed record ArtifactManifest
{
    public required string Package { get; init; }

    public required string Key { get; init; }

    public required IReadOnlyList<KeyInput> Inputs { get; init; }

    public required IReadOnlyList<ManifestFile> Files { get; init; }

    public required string ArtifactSha256 { get; init; }

    public required long ArtifactSize { get; init; }

    public required DateTimeOffset BuiltAt { get; init; }

    /// <summary>"slipway/0.1.0 on &lt;host&gt;".</summary>
    public required string Builder { get; init; }

    public required double BuildSeconds { get; init; }

    /// <summary>
    /// Base64 ed25519 signature of <see cref="Signing.ManifestSignature.Statement"/> (package, key, artifact hash and
    /// size); null when unsigned.
    /// </summary>
    public string? Signature { get; init; }

    /// <summary>The signing key's id (the first 16 hex digits of SHA-256 over its 32 public bytes), for messages.</summary>
    public string? SignedBy { get; init; }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ArtifactManifest))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
