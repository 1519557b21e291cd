using System.Text.Json;
using Slipway.Cli.Output;
using Slipway.Core;
using Slipway.Monitor.Configuration;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Monitor;

/// <summary><c>slipway monitor ls [STAGE]</c>: the configured checks, one line per check and host, with their schedule.</summary>
public sealed class MonitorLsCommand(IAnsiConsole console, TimeProvider time) : AsyncCommand<MonitorLsSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, MonitorLsSettings settings, CancellationToken cancellationToken)
    {
        if (MonitorSection.Load(console, settings.File, settings.Stage) is not var (config, checks))
        {
            return ExitCodes.UsageOrConfig;
        }

        MonitorMarks marks;
        try
        {
            marks = await MonitorMarks.LoadAsync(Core.Layout.LocalState.For(config).MonitorMarks, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            ConsoleText.Error(console, e.Message);
            return ExitCodes.CommandFailed;
        }

        var now = time.GetUtcNow();
        var records = checks.Select(c => Record(c, marks, now)).ToList();
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
            r.Timeout, Marks(r), r.Target,
        }).ToList();
        foreach (var line in TextTable.Lines(["STAGE", "CHECK", "KIND", "EVERY", "RETRY", "ATTEMPTS", "TIMEOUT", "MARKS", "TARGET"], rows))
        {
            ConsoleText.Line(console, line);
        }

        return ExitCodes.Success;
    }

    private static string Marks(MonitorCheckRecord r)
    {
        var marks = new List<string>();
        if (r.AcknowledgedAt is not null)
        {
            marks.Add("acked");
        }

        if (r.DowntimeUntil is { } until)
        {
            marks.Add("downtime until " + until.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", System.Globalization.CultureInfo.InvariantCulture));
        }

        return marks.Count == 0 ? "-" : string.Join(", ", marks);
    }

    private static MonitorCheckRecord Record(ConfiguredCheck c, MonitorMarks marks, DateTimeOffset now) => new(
        c.Id, c.Name, c.Stage, c.Host.DisplayName, c.Kind, c.Target,
        Durations.Format(c.Definition.Options.CheckInterval), Durations.Format(c.Definition.Options.RetryInterval),
        c.Definition.Options.MaxCheckAttempts, c.Definition.Options.RecoverAfter, Durations.Format(c.Definition.Options.Timeout),
        marks.Acknowledged.TryGetValue(c.Id, out var ack) ? ack.At : null, ack?.Comment, marks.DowntimeOf(c.Id, now));
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
