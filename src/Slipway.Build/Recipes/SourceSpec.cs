namespace Slipway.Build.Recipes;

/// <summary>Where a package's source comes from.</summary>
public enum SourceKind
{
    /// <summary>A git repository (<see cref="SourceSpec.Url"/>) at a ref resolved to a commit.</summary>
    Git,

    /// <summary>A tarball (<see cref="SourceSpec.Url"/>) whose bytes must hash to <see cref="SourceSpec.Sha256"/>.</summary>
    Tarball,

    /// <summary>A directory on this machine (<see cref="SourceSpec.Path"/>), identified by a hash of its contents.</summary>
    Local,
}

/// <summary>
/// A package's source. Only the fields of its <see cref="Kind"/> are used; the validator rejects the others so that a
/// recipe says one thing only.
/// </summary>
public sealed record SourceSpec
{
    public required SourceKind Kind { get; init; }

    /// <summary>Git: any URL git understands (also a local path). Tarball: http(s)://, file:// or a path.</summary>
    public string? Url { get; init; }

    /// <summary>Git: a branch, tag or commit; resolved to a commit before the key is made.</summary>
    public string? Ref { get; init; }

    /// <summary>Tarball: the expected SHA-256 of the tarball's bytes, 64 hex digits.</summary>
    public string? Sha256 { get; init; }

    /// <summary>Local: the directory, relative to the recipe directory or absolute.</summary>
    public string? Path { get; init; }

    public static SourceSpec Git(string url, string gitRef) => new() { Kind = SourceKind.Git, Url = url, Ref = gitRef };

    public static SourceSpec Tarball(string url, string sha256) => new() { Kind = SourceKind.Tarball, Url = url, Sha256 = sha256 };

    public static SourceSpec LocalPath(string path) => new() { Kind = SourceKind.Local, Path = path };
}
