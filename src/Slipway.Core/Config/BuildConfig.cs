namespace Slipway.Core.Config;

/// <summary>
/// The <c>build:</c> section: packages built from source by <c>slipway build</c> (docs/build.md), where artifacts are
/// stored and how many packages build at once. Structure and types are checked in Core; what only the build feature can
/// judge (names, env names, unknown dependencies, cycles) is reported by it at the locations kept here.
/// </summary>
public sealed record BuildConfig
{
    /// <summary>
    /// Packages in file order (the order among independent packages): slipway.yml's own, then those of the files of
    /// <c>build.include</c> in the order they are listed (a pattern's matches sorted by name).
    /// </summary>
    public IReadOnlyList<BuildPackageConfig> Packages { get; init; } = [];

    /// <summary>The local artifact store folder, absolute; default <c>.slipway/artifacts</c> next to slipway.yml.</summary>
    public required string Store { get; init; }

    /// <summary>Packages built at the same time when <c>-j</c> is not given; null: 1.</summary>
    public int? Jobs { get; init; }

    /// <summary>The shared S3-compatible store (<c>build.s3</c>), layered behind the local one; null: local only.</summary>
    public BuildS3Config? S3 { get; init; }

    /// <summary>Manifest signing and verification (<c>build.signing</c>); null: unsigned, nothing checked.</summary>
    public BuildSigningConfig? Signing { get; init; }

    /// <summary>The folder of slipway.yml: relative patch and source paths are resolved from it.</summary>
    public required string Directory { get; init; }

    public SourceLocation Location { get; init; }
}

/// <summary><c>build.s3</c>: an S3-compatible bucket shared by builders and hosts (docs/build.md, "The S3 store").</summary>
/// <param name="Bucket">From <c>url: s3://bucket/prefix</c>.</param>
/// <param name="Prefix">The key prefix inside the bucket, without slashes at either end; empty for the bucket's root.</param>
/// <param name="Endpoint">A custom endpoint (MinIO, s3rver, Ceph…) such as <c>http://127.0.0.1:4568</c>; null: AWS.</param>
/// <param name="Region">The signing region; null: the SDK's default (us-east-1 for a custom endpoint).</param>
/// <param name="Profile">A profile of ~/.aws/credentials; null: the usual AWS environment variables, then the default profile.</param>
/// <param name="Timeout">How long a look-up may take before the build falls back to building (default 2 s).</param>
/// <param name="ReadOnly">Fetch but never publish (machines that must not write to the shared store).</param>
public sealed record BuildS3Config(string Bucket, string Prefix, string? Endpoint, string? Region, string? Profile,
    TimeSpan Timeout, bool ReadOnly)
{
    public const double DefaultTimeoutSeconds = 2;

    /// <summary>
    /// <c>hosts_fetch</c>: during a deploy, hosts download the artifacts that are in the bucket themselves (curl, through
    /// presigned URLs valid for an hour), instead of the deploying machine pushing them over ssh.
    /// </summary>
    public bool HostsFetch { get; init; }

    /// <summary>"s3://bucket/prefix" as written.</summary>
    public string Url => Prefix.Length > 0 ? $"s3://{Bucket}/{Prefix}" : $"s3://{Bucket}";

    public SourceLocation Location { get; init; }
}

/// <summary><c>build.signing</c>: an ed25519 private key that signs new manifests, and the public key artifacts must be signed with.</summary>
/// <param name="Key">Path of the private key (PEM, PKCS#8, as <c>openssl genpkey -algorithm ed25519</c> writes), absolute; null: do not sign.</param>
/// <param name="PublicKey">The public key artifacts from a shared store must be signed with: base64 of its 32 bytes, or an absolute path of a PEM file; null: accept unsigned ones.</param>
public sealed record BuildSigningConfig(string? Key, string? PublicKey)
{
    public SourceLocation Location { get; init; }
}

/// <summary>Where a package's source comes from: exactly one of a git URL (with ref), a tarball URL (with sha256) or a path.</summary>
/// <param name="Kind">"git", "tarball" or "path".</param>
/// <param name="Url">Git or tarball: the URL.</param>
/// <param name="Ref">Git: branch, tag or commit.</param>
/// <param name="Sha256">Tarball: its SHA-256.</param>
/// <param name="Path">Path: the folder, relative to slipway.yml or absolute.</param>
public sealed record BuildSourceConfig(string Kind, string? Url, string? Ref, string? Sha256, string? Path);

/// <summary>One <c>build.packages</c> entry, with the locations of its keys for the build feature's own checks.</summary>
public sealed record BuildPackageConfig
{
    public required string Name { get; init; }

    public required BuildSourceConfig Source { get; init; }

    /// <summary>Patch files in the order they are applied, as written (relative to slipway.yml or absolute).</summary>
    public IReadOnlyList<string> Patches { get; init; } = [];

    public IReadOnlyList<string> Steps { get; init; } = [];

    public IReadOnlyList<string> Depends { get; init; } = [];

    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    /// <summary><c>env_allowlist</c> and its synonym <c>pass_env</c>: variables passed through from the builder's environment.</summary>
    public IReadOnlyList<string> EnvAllowlist { get; init; } = [];

    public IReadOnlyList<string> Tools { get; init; } = [];

    public string? Platform { get; init; }

    /// <summary>
    /// <c>roles</c>: hosts with any of these roles get the package's artifact (and its dependencies') during a deploy's
    /// update phase, unpacked under <c>shared/vendor/KEY</c> and linked as <c>vendor/NAME</c> in the release. Empty: the
    /// package is never deployed (a build-time dependency only, unless a deployed package depends on it).
    /// </summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>The file of <c>build.include</c> the package is declared in (absolute); null: slipway.yml itself.</summary>
    public string? File { get; init; }

    /// <summary>Where the package's name is written (in <see cref="File"/> when set).</summary>
    public SourceLocation Location { get; init; }

    /// <summary>Where each given key's value is (by key: "source", "steps", "depends", … and "source.git" etc.).</summary>
    public IReadOnlyDictionary<string, SourceLocation> KeyLocations { get; init; } = new Dictionary<string, SourceLocation>();

    /// <summary>Where each <c>depends</c> entry is written, by the dependency's name (first occurrence).</summary>
    public IReadOnlyDictionary<string, SourceLocation> DependsLocations { get; init; } = new Dictionary<string, SourceLocation>();

    /// <summary>The location of <paramref name="key"/> ("steps[2]" is looked up as "steps"), else of the package itself.</summary>
    public SourceLocation LocationOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var bracket = key.IndexOf('[', StringComparison.Ordinal);
        var plain = bracket >= 0 ? key[..bracket] : key;
        if (KeyLocations.TryGetValue(plain, out var at))
        {
            return at;
        }

        var dot = plain.IndexOf('.', StringComparison.Ordinal);
        return dot >= 0 && KeyLocations.TryGetValue(plain[..dot], out var parent) ? parent : Location;
    }
}
