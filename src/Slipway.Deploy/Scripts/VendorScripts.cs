using Slipway.Core.Layout;
using Slipway.Core.Shell;
using Slipway.Core.Vendor;

namespace Slipway.Deploy.Scripts;

/// <summary>
/// The host side of vendored build artifacts (docs/build.md, "Deploy integration"): which keys a host lacks, and the
/// update step that checks each uploaded tarball's SHA-256, unpacks it into <c>shared/vendor/.unpack-KEY</c>, renames
/// that to <c>shared/vendor/KEY</c> in one step (so a key's folder is complete or absent) and links every artifact the
/// host needs into the release as <c>vendor/PACKAGE</c>. Pure.
/// </summary>
public static class VendorScripts
{
    /// <summary>The data line the probe prints for a key the host does not have yet.</summary>
    public const string MissingKey = "vendor-missing";

    /// <summary>Creates <c>shared/vendor</c> and prints <c>::slipway:vendor-missing KEY</c> for every key not unpacked there.</summary>
    public static ShellCommand Probe(HostLayout paths, IReadOnlyList<VendorArtifact> artifacts)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(artifacts);
        var script = new Script();
        script.Step("vendor-probe", ShellCommand.Create($"mkdir -p {paths.Vendor}"));
        foreach (var key in artifacts.Select(a => a.Key).Distinct(StringComparer.Ordinal))
        {
            script.Add(ShellCommand.Create($"[ -d {paths.VendorKey(key)} ] || printf '::slipway:%s %s\\n' {MissingKey} {key}"));
        }

        return script.Build();
    }

    /// <summary>
    /// The update step's command: install <paramref name="install"/> (uploaded to <see cref="HostLayout.VendorIncoming"/>),
    /// then link every one of <paramref name="link"/> into <paramref name="release"/>. A tarball whose hash differs is
    /// deleted and named, and the step fails.
    /// </summary>
    public static ShellCommand Install(HostLayout paths, string release, IReadOnlyList<VendorArtifact> install, IReadOnlyList<VendorArtifact> link)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(install);
        ArgumentNullException.ThrowIfNull(link);
        var parts = new List<ShellCommand>();
        foreach (var artifact in install)
        {
            var incoming = paths.VendorIncoming(artifact.Key);
            var unpack = paths.Vendor + "/.unpack-" + artifact.Key;
            var name = $"{artifact.Package} {artifact.ShortKey}";
            parts.Add(ShellCommand.Create($$"""
                slw_sum=$(sha256sum {{incoming}} | cut -c1-64) && if [ "$slw_sum" = {{artifact.Sha256}} ]; then :; else printf '%s: the artifact received hashes to %s, its manifest says %s; not installed\n' {{name}} "$slw_sum" {{artifact.Sha256}} && rm -f {{incoming}} && false; fi
                """));
            parts.Add(ShellCommand.Create($"rm -rf {unpack} && mkdir -p {unpack} && tar -xzf {incoming} -C {unpack} && rm -f {incoming}"));
            parts.Add(ShellCommand.Create($"{{ mv -T {unpack} {paths.VendorKey(artifact.Key)} 2>/dev/null || rm -rf {unpack}; }}"));
        }

        var vendor = release + "/vendor";
        if (link.Count > 0)
        {
            parts.Add(ShellCommand.Create($"mkdir -p {vendor}"));
        }

        foreach (var artifact in link)
        {
            var target = paths.VendorKey(artifact.Key);
            var name = $"{artifact.Package} {artifact.ShortKey}";
            parts.Add(ShellCommand.Create($$"""
                if [ -d {{target}} ]; then ln -sfn {{target}} {{vendor + "/" + artifact.Package}}; else printf '%s: %s is missing on this host\n' {{name}} {{target}} && false; fi
                """));
        }

        return ShellCommand.Join(" && ", parts);
    }
}
