using Slipway.Build.Store;

namespace Slipway.Build.Explain;

/// <summary>The differing inputs of two manifests (what <c>slipway build diff KEY_A KEY_B</c> will print).</summary>
public static class ManifestDiff
{
    public static IReadOnlyList<InputChange> Changes(ArtifactManifest a, ArtifactManifest b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return InputDiff.Changes(a.Inputs, b.Inputs);
    }

    /// <summary>One line per difference: the plain reason, then the two values ("-" where absent).</summary>
    public static IReadOnlyList<string> Lines(ArtifactManifest a, ArtifactManifest b) =>
        [.. Changes(a, b).Select(c => $"{InputDiff.Describe(c)}: {c.Old ?? "-"} → {c.New ?? "-"}")];
}
