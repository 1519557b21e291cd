namespace Slipway.Build.Keys;

/// <summary>A patch as it enters the key: its file name and the SHA-256 of its bytes.</summary>
public sealed record PatchDigest(string FileName, string Sha256);

/// <summary>
/// The facts about one package that had to be looked up (I/O) before its key can be computed (pure): the resolved
/// source identity, the patches' digests, the environment values passed in, the platform and the tools' digests.
/// </summary>
public sealed record ResolvedInputs
{
    /// <summary>"git &lt;commit&gt;", "tarball sha256:&lt;hex&gt;" or "local tree:&lt;hex&gt;": never a path or a time.</summary>
    public required string SourceIdentity { get; init; }

    public IReadOnlyList<PatchDigest> Patches { get; init; } = [];

    /// <summary>Every variable of the recipe's env and allowlist with its value (null: unset).</summary>
    public IReadOnlyDictionary<string, string?> Env { get; init; } = new Dictionary<string, string?>();

    public required PlatformInfo Platform { get; init; }

    /// <summary>Tool name as declared → SHA-256 of the executable it resolved to.</summary>
    public IReadOnlyDictionary<string, string> ToolDigests { get; init; } = new Dictionary<string, string>();
}
