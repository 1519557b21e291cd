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
            if (artifact.Url is { } url)
            {
                // build.s3.hosts_fetch: the host downloads it itself (a presigned URL: no credentials here; shown as *** in logs).
                parts.Add(ShellCommand.Create($$"""
                    { curl -fsS --retry 2 -o {{incoming}} {{url:r}} || { printf '%s: download from the shared store failed (curl exit %s)\n' {{name}} "$?" && rm -f {{incoming}} && false; }; }
                    """));
            }

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

    /// <summary>
    /// Removes every <c>shared/vendor/KEY</c> that no release still on the host links (<c>releases/*/vendor/*</c>),
    /// after cleanup removed releases. One <c>find</c> lists the links; folders being uploaded or unpacked start with a
    /// dot and are left alone. Never fails the script: a folder that cannot be removed costs disk, not the deploy.
    /// </summary>
    public static ShellCommand Prune(HostLayout paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return ShellCommand.Create($$"""
            if [ -d {{paths.Vendor}} ]; then slw_links="$(find {{paths.Releases}} -mindepth 3 -maxdepth 3 -path '*/vendor/*' -type l -printf '%l ' 2>/dev/null) "; for slw_dir in {{paths.Vendor}}/*; do slw_key=${slw_dir##*/}; case "$slw_links" in *"/$slw_key "*) ;; *) [ -d "$slw_dir" ] && rm -rf -- "$slw_dir";; esac; done; fi; :
            """);
    }
}
