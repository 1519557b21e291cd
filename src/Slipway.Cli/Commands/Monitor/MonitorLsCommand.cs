using System.Text.Json;
using Slipway.Cli.Output;
using Slipway.Core;
using Slipway.Monitor.Configuration;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Monitor;

/// <summary><c>slipway monitor ls [STAGE]</c>: the configured checks, one line per check and host, with their schedule.</summary>
public sealed class MonitorLsCommand(IAnsiConsole console) : Command<MonitorLsSettings>
{
    public override int Execute(CommandContext context, MonitorLsSettings settings, CancellationToken cancellationToken)
    {
        if (MonitorSection.Load(console, settings.File, settings.Stage) is not var (_, checks))
        {
            return ExitCodes.UsageOrConfig;
        }

        var records = checks.Select(Record).ToList();
        if (settings.Json)
        {
            ConsoleText.Line(console, JsonSerializer.Serialize(new MonitorListReport(records), MonitorJsonContext.Default.MonitorListReport));
            return ExitCodes.Success;
        }

        if (records.Count == 0)
        {
            ConsoleText.Note(console, "no checks configured (add them under monitor.checks in slipway.yml; see docs/monitor.md)");
            return ExitCodes.Success;
        }

        var rows = records.Select(r => new[]
        {
            r.Stage, r.Id, r.Kind, r.CheckInterval, r.RetryInterval, r.MaxCheckAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            r.Timeout, r.Target,
        }).ToList();
        foreach (var line in TextTable.Lines(["STAGE", "CHECK", "KIND", "EVERY", "RETRY", "ATTEMPTS", "TIMEOUT", "TARGET"], rows))
        {
            ConsoleText.Line(console, line);
        }

        return ExitCodes.Success;
    }

    private static MonitorCheckRecord Record(ConfiguredCheck c) => new(
        c.Id, c.Name, c.Stage, c.Host.DisplayName, c.Kind, c.Target,
        Durations.Format(c.Definition.Options.CheckInterval), Durations.Format(c.Definition.Options.RetryInterval),
        c.Definition.Options.MaxCheckAttempts, c.Definition.Options.RecoverAfter, Durations.Format(c.Definition.Options.Timeout),
        null, null);
}

/// <summary>Columns padded to their widest cell, two spaces apart; the last column is never padded (it may be long).</summary>
internal static class TextTable
{
    public static IEnumerable<string> Lines(string[] header, IReadOnlyList<string[]> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(i => all.Max(r => r[i].Length)).ToArray();
        return all.Select(r => string.Join("  ", r.Select((cell, i) => i == r.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
    }
}
