using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Slipway.Cli.Output;
using Slipway.Core;
using Slipway.Core.Config;
using Slipway.Core.Layout;
using Slipway.Monitor.Configuration;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Monitor;

public sealed class MonitorAckSettings : ConfigFileSettings
{
    [CommandArgument(0, "<CHECK>")]
    [Description("The check: NAME (on every host it runs on) or NAME@HOST.")]
    public string Check { get; init; } = "";

    [CommandOption("--host <HOST>")]
    [Description("Only on these hosts (comma-separated, repeatable).")]
    public string[] Host { get; init; } = [];

    [CommandOption("--comment <TEXT>")]
    [Description("Why (shown by monitor ls --json).")]
    public string? Comment { get; init; }

    [CommandOption("--remove")]
    [Description("Take the acknowledgement back.")]
    public bool Remove { get; init; }

    [CommandOption("--json")]
    [Description("One JSON object: the checks marked.")]
    public bool Json { get; init; }
}

public sealed class MonitorDowntimeSettings : ConfigFileSettings
{
    [CommandArgument(0, "[CHECK]")]
    [Description("The check: NAME or NAME@HOST; without it, every check of the --host hosts.")]
    public string? Check { get; init; }

    [CommandOption("--host <HOST>")]
    [Description("Only on these hosts (comma-separated, repeatable).")]
    public string[] Host { get; init; } = [];

    [CommandOption("--for <DURATION>")]
    [Description("How long, from now: 30m, 2h, 1d.")]
    public string? For { get; init; }

    [CommandOption("--remove")]
    [Description("End the downtime now.")]
    public bool Remove { get; init; }

    [CommandOption("--json")]
    [Description("One JSON object: the checks marked and until when.")]
    public bool Json { get; init; }
}

public sealed record MonitorMarkReport(bool Ok, string Action, IReadOnlyList<string> Checks, DateTimeOffset? Until);

/// <summary><c>slipway monitor ack CHECK</c>: records an acknowledgement in the local marks file.</summary>
public sealed class MonitorAckCommand(IAnsiConsole console, TimeProvider time) : AsyncCommand<MonitorAckSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, MonitorAckSettings settings, CancellationToken cancellationToken) =>
        MonitorMarking.RunAsync(console, settings.File, settings.Check, settings.Host, settings.Json, (marks, ids) =>
        {
            foreach (var id in ids)
            {
                if (settings.Remove)
                {
                    marks.Acknowledged.Remove(id);
                }
                else
                {
                    marks.Acknowledged[id] = new Acknowledgement(time.GetUtcNow(), settings.Comment);
                }
            }

            return (settings.Remove ? "unack" : "ack", null, null);
        }, cancellationToken);
}

/// <summary><c>slipway monitor downtime CHECK|--host H --for 30m</c>: records a downtime end in the local marks file.</summary>
public sealed class MonitorDowntimeCommand(IAnsiConsole console, TimeProvider time) : AsyncCommand<MonitorDowntimeSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, MonitorDowntimeSettings settings, CancellationToken cancellationToken)
    {
        return MonitorMarking.RunAsync(console, settings.File, settings.Check, settings.Host, settings.Json, (marks, ids) =>
        {
            if (settings.Check is null && settings.Host.Length == 0)
            {
                return ("", null, "name a CHECK or --host H (every check of that host)");
            }

            if (settings.Remove)
            {
                ids.ForEach(id => marks.DowntimeUntil.Remove(id));
                return ("downtime-end", null, null);
            }

            if (Durations.Parse(settings.For) is not { } length || length <= TimeSpan.Zero)
            {
                return ("", null, settings.For is null
                    ? "say how long with --for, e.g. --for 30m (or --remove to end a downtime)"
                    : $"--for must be a duration such as 30m, 2h or 1d, got \"{settings.For}\"");
            }

            var until = time.GetUtcNow() + length;
            ids.ForEach(id => marks.DowntimeUntil[id] = until);
            return ("downtime", until, null);
        }, cancellationToken);
    }
}

/// <summary>What ack and downtime share: load, select, change the marks file, report.</summary>
internal static class MonitorMarking
{
    /// <summary>Loads slipway.yml, selects the checks, lets <paramref name="change"/> change the marks (it returns the action, the downtime end, or a usage error), saves and reports.</summary>
    public static async Task<int> RunAsync(IAnsiConsole console, string file, string? check, string[] hosts, bool json,
        Func<MonitorMarks, List<string>, (string Action, DateTimeOffset? Until, string? Error)> change, CancellationToken ct)
    {
        if (MonitorSection.Load(console, file, null) is not var (config, checks))
        {
            return ExitCodes.UsageOrConfig;
        }

        var (selected, error) = check is null && hosts.Length == 0 ? ([], null) : CheckBatch.Select(checks, check, HostFilter.SplitList(hosts));
        if (error is not null)
        {
            ConsoleText.Error(console, error);
            return ExitCodes.UsageOrConfig;
        }

        var path = LocalState.For(config).MonitorMarks;
        var ids = selected.Select(c => c.Id).ToList();
        (string Action, DateTimeOffset? Until, string? Error) outcome = ("", null, null);
        try
        {
            // Under the marks file's lock: a deploy writing its downtime at the same moment does not lose this change.
            await MonitorMarks.UpdateAsync(path, marks => outcome = change(marks, ids), ct, saveWhen: () => outcome.Error is null);
        }
        catch (InvalidDataException e)
        {
            ConsoleText.Error(console, e.Message);
            return ExitCodes.CommandFailed;
        }

        var (action, until, usage) = outcome;
        if (usage is not null)
        {
            ConsoleText.Error(console, usage);
            return ExitCodes.UsageOrConfig;
        }

        if (json)
        {
            ConsoleText.Line(console, JsonSerializer.Serialize(new MonitorMarkReport(true, action, ids, until), MonitorJsonContext.Default.MonitorMarkReport));
            return ExitCodes.Success;
        }

        var what = action switch
        {
            "ack" => "acknowledged",
            "unack" => "acknowledgement removed:",
            "downtime" => "in downtime until " + until!.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) + ":",
            _ => "downtime ended:",
        };
        ids.ForEach(id => ConsoleText.Line(console, $"{what} {id}"));
        return ExitCodes.Success;
    }
}
