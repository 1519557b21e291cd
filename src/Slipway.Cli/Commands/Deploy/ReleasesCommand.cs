using System.Text.Json;
using Slipway.Cli.Output;
using Slipway.Core.Layout;
using Slipway.Deploy.Execution;
using Slipway.Deploy.Model;
using Slipway.Recipes;
using Spectre.Console;

namespace Slipway.Cli.Commands.Deploy;

/// <summary><c>slipway releases STAGE</c>: per host, every release with state and commit, the live one marked.</summary>
public sealed class ReleasesCommand(IAnsiConsole console, TimeProvider time) : ReleaseCommandBase<ReleasesSettings>(console, time)
{
    protected override async Task<int> RunAsync(StageTarget target, DeployRequest request, ReleasesSettings settings, CancellationToken ct)
    {
        var listings = await Manager(target).ReleasesAsync(request, ct);
        var majority = listings.Where(l => l.State is not null).GroupBy(l => l.State!.Current)
            .OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault();
        bool InStep(HostListing l) => l.State is not null && l.State.Current == majority;
        if (settings.Json)
        {
            var records = listings.Select(l => new HostReleasesRecord(
                l.Host.DisplayName, HostLayout.For(request.Config, l.Host).DeployTo, l.State?.Current, InStep(l),
                l.Lock is null ? null : LockRecordJson.From(l.Lock), l.Failure?.Message,
                [.. (l.State?.Releases ?? []).Reverse().Select(r => new ReleaseRecord(r.Name, State(r.State), r.Revision, r.Name == l.State!.Current))]))
                .ToList();
            ConsoleText.Line(Console, JsonSerializer.Serialize(records, DeployCliJson.Default.ListHostReleasesRecord));
        }
        else
        {
            foreach (var listing in listings)
            {
                Print(listing, HostLayout.For(request.Config, listing.Host).DeployTo, InStep(listing));
            }

            var outOfStep = listings.Where(l => !InStep(l)).ToList();
            if (outOfStep.Count > 0)
            {
                ConsoleText.Line(Console, $"OUT OF STEP: {string.Join(", ", outOfStep.Select(l => l.Host.DisplayName))} "
                    + $"{(outOfStep.Count == 1 ? "is" : "are")} not on {majority ?? "(no release)"} like the others", ConsoleText.Red);
            }
        }

        if (ct.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }

        if (listings.Any(l => l.Failure?.Kind == FailureKind.Unreachable))
        {
            return ExitCodes.ConnectionFailed;
        }

        return listings.Any(l => l.Failure is not null) ? ExitCodes.CommandFailed : ExitCodes.Success;
    }

    private void Print(HostListing listing, string deployTo, bool inStep)
    {
        ConsoleText.Line(Console, $"{listing.Host.DisplayName}  {deployTo}{(inStep ? "" : "  (out of step)")}", inStep ? null : ConsoleText.Red);
        if (listing.Failure is { } failure)
        {
            ConsoleText.Line(Console, "  could not read: " + failure.Message, ConsoleText.Red);
            return;
        }

        var state = listing.State!;
        if (state.Releases.Count == 0)
        {
            ConsoleText.Line(Console, "  no releases yet");
        }

        foreach (var release in state.Releases.Reverse())
        {
            var live = release.Name == state.Current;
            var commit = release.Revision is null ? "-" : release.Revision[..Math.Min(12, release.Revision.Length)];
            ConsoleText.Line(Console, $"  {(live ? "*" : " ")} {release.Name}  {State(release.State),-10}  {commit,-12}{(live ? "  live" : "")}",
                live ? ConsoleText.Green : null);
        }

        if (state.Current is null && state.CurrentTarget is not null)
        {
            ConsoleText.Line(Console, $"  current → {state.CurrentTarget} (not a release directory)", ConsoleText.Yellow);
        }

        if (listing.Lock is { } held)
        {
            ConsoleText.Line(Console, "  locked by " + held.Describe(), ConsoleText.Yellow);
        }
    }

    private static string State(ReleaseState state) => state.ToString().ToLowerInvariant();
}
