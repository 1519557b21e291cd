using System.Globalization;
using System.Text.Json;
using Slipway.Cli.Output;
using Slipway.Core.Config;
using Slipway.Monitor;
using Slipway.Monitor.Checks;
using Slipway.Monitor.Configuration;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Monitor;

/// <summary>
/// <c>slipway monitor run CHECK|--all</c>: runs checks once, here, now; prints each state, output and perfdata. Exit 0
/// when every check is OK, 1 (<see cref="ExitCodes.CommandFailed"/>) when any is WARNING, CRITICAL or UNKNOWN, 2 for
/// usage and config errors (see <see cref="MonitorExit"/>).
/// </summary>
public sealed class MonitorRunCommand(IAnsiConsole console) : AsyncCommand<MonitorRunSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, MonitorRunSettings settings, CancellationToken cancellationToken)
    {
        // The file first, so a broken slipway.yml is reported as such whatever the arguments.
        if (MonitorSection.Load(console, settings.File, settings.Stage) is not var (config, checks))
        {
            return ExitCodes.UsageOrConfig;
        }

        if (settings.All == (settings.Check is not null))
        {
            ConsoleText.Error(console, settings.All
                ? "give a CHECK or --all, not both"
                : "name a CHECK to run (NAME or NAME@HOST), or --all; 'slipway monitor ls' lists them");
            return ExitCodes.UsageOrConfig;
        }

        var (selected, error) = CheckBatch.Select(checks, settings.Check, HostFilter.SplitList(settings.Host));
        if (error is not null)
        {
            ConsoleText.Error(console, error);
            return ExitCodes.UsageOrConfig;
        }

        await using var remote = new SshRemotePlugins(config);
        var outcomes = await new CheckBatch(new CheckFactory(sources: MonitorSources.For(config, TimeProvider.System, remote)))
            .RunAsync(selected, config.Monitor!.MaxConcurrency, cancellationToken);
        var summary = Summary(outcomes);
        if (settings.Json)
        {
            var report = new MonitorRunReport(outcomes.All(o => o.Result.State == ServiceState.Ok), [.. outcomes.Select(Record)], summary);
            ConsoleText.Line(console, JsonSerializer.Serialize(report, MonitorJsonContext.Default.MonitorRunReport));
        }
        else
        {
            foreach (var outcome in outcomes)
            {
                Print(outcome);
            }

            if (settings.All || outcomes.Count > 1)
            {
                ConsoleText.Line(console, string.Create(CultureInfo.InvariantCulture,
                    $"{summary.Checks} checks: {summary.Ok} OK, {summary.Warning} WARNING, {summary.Critical} CRITICAL, {summary.Unknown} UNKNOWN"));
            }
        }

        return MonitorExit.For(outcomes.Select(o => o.Result.State));
    }

    private void Print(CheckOutcome outcome)
    {
        var result = outcome.Result;
        var colour = result.State switch
        {
            ServiceState.Ok => ConsoleText.Green,
            ServiceState.Warning => ConsoleText.Yellow,
            _ => ConsoleText.Red,
        };
        ConsoleText.Line(console, $"{outcome.Check.Id} {result.State.Label()}: {result.Output}", colour);
        foreach (var line in result.LongOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            ConsoleText.Line(console, "  " + line.TrimEnd('\r'));
        }

        var perf = string.Join(" ", result.PerfData.Select(p => p.ToString()).Append(result.UnparsedPerfData ?? "").Where(t => t.Length > 0));
        if (perf.Length > 0)
        {
            ConsoleText.Line(console, "  | " + perf);
        }
    }

    private static MonitorSummaryRecord Summary(IReadOnlyList<CheckOutcome> outcomes)
    {
        int Count(ServiceState s) => outcomes.Count(o => o.Result.State == s);
        return new MonitorSummaryRecord(outcomes.Count, Count(ServiceState.Ok), Count(ServiceState.Warning), Count(ServiceState.Critical), Count(ServiceState.Unknown));
    }

    private static MonitorResultRecord Record(CheckOutcome o) => new(
        o.Check.Id, o.Check.Name, o.Check.Stage, o.Check.Host.DisplayName, o.Result.State.Label(), (int)o.Result.State, o.Result.ExitCode,
        o.Result.Output, o.Result.LongOutput,
        [.. o.Result.PerfData.Select(p => new PerfDatumRecord(p.Label, p.Value, p.Unit, p.Warn, p.Crit, p.Min, p.Max))],
        o.Result.UnparsedPerfData, (long)o.Result.Duration.TotalMilliseconds);
}

/// <summary>
/// How a check's Nagios state becomes slipway's exit status. Nagios's own numbers cannot be passed through: 2 and 3
/// already mean "usage or config error" and "host unreachable" to scripts. OK is success (0); WARNING, CRITICAL and
/// UNKNOWN are "ran but failed" (1); the exact state is in the output and in <c>--json</c>'s <c>state</c> and <c>exit_code</c>.
/// </summary>
internal static class MonitorExit
{
    public static int For(IEnumerable<ServiceState> states) =>
        states.All(s => s == ServiceState.Ok) ? ExitCodes.Success : ExitCodes.CommandFailed;
}
