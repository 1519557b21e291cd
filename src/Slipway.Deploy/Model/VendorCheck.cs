using Slipway.Core.Config;
using Slipway.Core.Vendor;
using Slipway.Deploy.Execution;

namespace Slipway.Deploy.Model;

/// <summary>
/// <c>slipway check</c>'s view of the vendored artifacts (pure): a host whose roles need an artifact that the deploying
/// machine cannot supply (never built, refused signature…) fails its check, each artifact one "missing" line, next to
/// what the host's own check found.
/// </summary>
public static class VendorCheck
{
    public static List<HostFailure> Merge(IReadOnlyList<HostFailure> failures, IEnumerable<HostConfig> hosts,
        IReadOnlyList<VendorArtifact> vendor)
    {
        ArgumentNullException.ThrowIfNull(failures);
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentNullException.ThrowIfNull(vendor);
        var merged = failures.ToList();
        foreach (var host in hosts)
        {
            var lines = vendor.Where(a => a.Problem is not null && a.IsFor(host))
                .Select(a => $"vendored artifact {a.Package} {a.ShortKey}: {a.Problem}").ToList();
            if (lines.Count == 0)
            {
                continue;
            }

            var index = merged.FindIndex(f => f.Host == host);
            if (index < 0)
            {
                merged.Add(new HostFailure(host, "check", "vendor", FailureKind.CheckFailed, lines[0], []) { Missing = lines });
            }
            else if (merged[index].Phase == "check")
            {
                merged[index] = merged[index] with { Missing = [.. merged[index].Missing, .. lines] };
            }
        }

        return merged;
    }
}
