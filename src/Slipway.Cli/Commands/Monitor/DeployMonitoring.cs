using Slipway.Cli.Output;
using Slipway.Core.Config;
using Slipway.Deploy.Execution;
using Slipway.Monitor.Configuration;
using Spectre.Console;

namespace Slipway.Cli.Commands.Monitor;

/// <summary>
/// A deploy, rollback or promote as the monitor sees it: the checks of its hosts go into downtime while it runs
/// (through the marks file a running <c>monitor serve</c> reloads), and at the end the downtime is lifted and the release
/// recorded, so a check that fails right after is attributed to it. The deploy never fails because of the monitor:
/// a marks file that cannot be written is a warning.
/// </summary>
internal static class DeployMonitoring
{
    public static async Task<RunOutcome> AroundAsync(IAnsiConsole console, SlipwayConfig config, StageConfig stage,
        IReadOnlyList<HostConfig> hosts, string action, TimeProvider time, Func<Task<RunOutcome>> run, CancellationToken ct)
    {
        var downtime = DeployDowntime.For(config, stage.Name, hosts, action);
        if (downtime is not null)
        {
            try
            {
                await downtime.BeginAsync(time.GetUtcNow(), ct);
                ConsoleText.Note(console, $"monitor: {ConfigSource.Plural(downtime.Checks.Count, "check")} of these hosts in downtime during the {action}");
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                ConsoleText.Warning(console, $"cannot put the monitor's checks into downtime ({e.Message}); the {action} goes on");
                downtime = null;
            }
        }

        RunOutcome? outcome = null;
        try
        {
            outcome = await run();
            return outcome;
        }
        finally
        {
            if (downtime is not null)
            {
                try
                {
                    // Even when cancelled: the downtime must end with the deploy.
                    await downtime.EndAsync(time.GetUtcNow(), ResultOf(outcome), outcome?.Release, outcome?.Commit, CancellationToken.None);
                }
                catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
                {
                    ConsoleText.Warning(console, $"cannot lift the monitor's downtime ({e.Message}); it ends by itself {Core.Durations.Format(DeployDowntime.Longest)} after the start");
                }
            }
        }
    }

    private static string ResultOf(RunOutcome? outcome) => outcome switch
    {
        null => "failed",
        { Cancelled: true } => "cancelled",
        { Result: RunResult.Succeeded } => "succeeded",
        { Result: RunResult.NothingChanged } => "nothing_changed",
        { Result: RunResult.RolledBack } => "rolled_back",
        _ => "incomplete",
    };
}
