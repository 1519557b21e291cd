using Slipway.Build.Building;
using Slipway.Build.Config;
using Slipway.Build.Deploying;
using Slipway.Build.Store;
using Slipway.Build.Store.Signing;
using Slipway.Cli.Output;
using Slipway.Core.Config;
using Slipway.Core.Vendor;
using Spectre.Console;

namespace Slipway.Cli.Commands.Deploy;

/// <summary>
/// The seam between the build and deploy features for <c>slipway deploy</c>: the build feature finds the artifacts of
/// the packages with <c>roles</c> on this machine (fetching from the shared store when needed), and the deploy installs
/// them. Null: stop, with the exit code in <c>Code</c>.
/// </summary>
internal static class VendorSource
{
    // fetch: false for check and deploy --dry-run (look up, download nothing).
    public static async Task<(IReadOnlyList<VendorArtifact>? Artifacts, int Code)> FindAsync(
        IAnsiConsole console, SlipwayConfig config, bool quiet, CancellationToken ct, bool fetch = true)
    {
        if (!VendorArtifacts.AnyDeployed(config) || config.Build is not { } build)
        {
            return ([], ExitCodes.Success);
        }

        var problems = BuildSection.Check(config);
        if (problems.Count > 0)
        {
            DiagnosticsWriter.Write(console, problems);
            return (null, ExitCodes.UsageOrConfig);
        }

        try
        {
            var artifacts = await VendorArtifacts.FindAsync(build, line => ConsoleText.Warning(console, line), ct, fetch);
            if (!quiet && fetch)
            {
                var ready = artifacts.Where(a => a.Problem is null).ToList();
                ConsoleText.Note(console, $"vendor: {ready.Count} of {artifacts.Count} artifacts ready ({string.Join(", ", artifacts.Select(a => $"{a.Package} {a.ShortKey} for {string.Join("/", a.Roles)}"))})");
            }

            return (artifacts, ExitCodes.Success);
        }
        catch (SigningKeyException e)
        {
            ConsoleText.Error(console, $"build.signing: {e.Message}");
            return (null, ExitCodes.UsageOrConfig);
        }
        catch (Exception e) when (e is BuildStepException or CorruptArtifactException or IOException or UnauthorizedAccessException)
        {
            ConsoleText.Error(console, $"finding the vendored artifacts failed{(fetch ? ", nothing was changed" : "")}: {e.Message}");
            return (null, ExitCodes.CommandFailed);
        }
    }

    /// <summary>One line per artifact for <c>deploy --dry-run</c>: where it is, or why a deploy would fail.</summary>
    public static string Describe(VendorArtifact artifact)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        var state = artifact.Problem is { } problem ? "a deploy would fail: " + problem
            : VendorArtifacts.InSharedStore(artifact) ? "in the shared store (the deploy downloads it)"
            : "ready in the local store";
        return $"{artifact.Package} {artifact.ShortKey} for {string.Join("/", artifact.Roles)}: {state}";
    }
}
