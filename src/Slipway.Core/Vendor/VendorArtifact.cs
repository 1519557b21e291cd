namespace Slipway.Core.Vendor;

/// <summary>
/// A build artifact a deploy installs on the hosts that need it (docs/build.md, "Deploy integration"): the build
/// feature finds it on the deploying machine, the deploy uploads it where it is missing, checks its SHA-256 on the host,
/// unpacks it once under <c>shared/vendor/KEY</c> and links it into the release as <c>vendor/PACKAGE</c>. The seam
/// between the two features: the build feature fills it, the deploy reads it.
/// </summary>
/// <param name="Package">The package's name, also the link's name in the release (<c>vendor/PACKAGE</c>).</param>
/// <param name="Key">The artifact's content key (64 hex digits): the folder under <c>shared/vendor</c>.</param>
/// <param name="Sha256">The tarball's SHA-256 as the (verified, signed when configured) manifest states it.</param>
/// <param name="Size">The tarball's size in bytes.</param>
/// <param name="Tarball">The gzip'd tarball on this machine; null when <see cref="Problem"/> says why there is none.</param>
/// <param name="Roles">Hosts with any of these roles get it (a deployed package's dependencies inherit its roles).</param>
/// <param name="Problem">Why it cannot be installed (not built, refused signature…); a host that needs it fails its update.</param>
/// <param name="Url">
/// A presigned URL of the tarball in the shared store (<c>build.s3.hosts_fetch</c>): the host downloads it itself; null:
/// the deploying machine uploads <paramref name="Tarball"/>.
/// </param>
public sealed record VendorArtifact(
    string Package, string Key, string Sha256, long Size, string? Tarball, IReadOnlyList<string> Roles, string? Problem = null,
    string? Url = null)
{
    /// <summary>Whether a deploy can install it: no problem, and a tarball to upload or a URL to fetch.</summary>
    public bool IsUsable => Problem is null && (Tarball is not null || Url is not null);

    public string ShortKey => Key.Length > 12 ? Key[..12] : Key;

    /// <summary>Whether a host with these roles needs it.</summary>
    public bool IsFor(Config.HostConfig host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return Roles.Any(host.HasRole);
    }
}
