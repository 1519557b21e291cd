using System.ComponentModel;
using System.Globalization;
using Slipway.Cli.Output;
using Slipway.Core;
using Slipway.Queue;
using Slipway.Queue.Admin;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Queue;

public sealed class QueueListSettings : QueueSettings
{
    [CommandOption("--json")]
    [Description("Print the queues as one JSON document.")]
    public bool Json { get; init; }
}

/// <summary><c>slipway queue ls</c>: every queue's counts, one <see cref="IQueueEngine.StatsAsync(CancellationToken)"/>.</summary>
public sealed class QueueListCommand(IAnsiConsole console, TimeProvider time) : AsyncCommand<QueueListSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, QueueListSettings settings, CancellationToken cancellationToken)
    {
        var section = QueueSection.Load(console, settings);
        if (section is null)
        {
            return ExitCodes.UsageOrConfig;
        }

        return await QueueStore.RunAsync(console, section, create: false, time, async engine =>
        {
            var all = await engine.StatsAsync(cancellationToken);
            if (settings.Json)
            {
                var options = section.EngineOptions();
                QueueJson.Write(console, new QueueListRecord(true,
                        [.. all.Select(s => QueueStatsRecord.From(s).WithLimits(options.ConcurrencyLimits, options.RateLimits))]),
                    QueueJson.Admin.QueueListRecord);
                return ExitCodes.Success;
            }

            if (all.Count == 0)
            {
                ConsoleText.Note(console, $"no jobs in {section.ShownUrl}");
                return ExitCodes.Success;
            }

            var rows = all.Select(s => new[]
            {
                s.Queue, Count(s.Ready), Count(s.Scheduled), Count(s.Running), Count(s.Succeeded), Count(s.Dead), Age(s.OldestReadyAge),
            }).ToList();
            foreach (var line in StatsText.Table(["QUEUE", "READY", "SCHEDULED", "RUNNING", "SUCCEEDED", "DEAD", "OLDEST"], rows))
            {
                ConsoleText.Line(console, line);
            }

            return ExitCodes.Success;
        }, cancellationToken);
    }

    private static string Count(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Age(TimeSpan? age) => age is { } a ? StatsText.Age(a) : "-";
}

/// <summary><c>slipway queue stats QUEUE</c>: one queue's counts, one <see cref="IQueueEngine.StatsAsync(string, CancellationToken)"/>.</summary>
public sealed class QueueStatsCommand(IAnsiConsole console, TimeProvider time) : AsyncCommand<OneQueueSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, OneQueueSettings settings, CancellationToken cancellationToken)
    {
        var section = QueueSection.Load(console, settings);
        if (section is null)
        {
            return ExitCodes.UsageOrConfig;
        }

        return await QueueStore.RunAsync(console, section, create: false, time, async engine =>
        {
            var s = await engine.StatsAsync(settings.Queue, cancellationToken);
            if (settings.Json)
            {
                var options = section.EngineOptions();
                QueueJson.Write(console, new StatsRecord(true, QueueStatsRecord.From(s).WithLimits(options.ConcurrencyLimits, options.RateLimits)),
                    QueueJson.Admin.StatsRecord);
                return ExitCodes.Success;
            }

            ConsoleText.Line(console, $"queue:     {s.Queue}");
            ConsoleText.Line(console, $"ready:     {s.Ready}" + (s.OldestReadyAge is { } age ? $" (oldest waiting {StatsText.Age(age)})" : ""));
            ConsoleText.Line(console, $"scheduled: {s.Scheduled}");
            ConsoleText.Line(console, $"running:   {s.Running}");
            ConsoleText.Line(console, $"succeeded: {s.Succeeded}");
            ConsoleText.Line(console, $"dead:      {s.Dead}");
            return ExitCodes.Success;
        }, cancellationToken);
    }
}

/// <summary>Plain aligned columns (never wrapped: scripts and people both read them) and short ages.</summary>
internal static class StatsText
{
    public static IEnumerable<string> Table(string[] header, IReadOnlyList<string[]> rows)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        string Row(string[] cells) => string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
        yield return Row(header);
        foreach (var row in rows)
        {
            yield return Row(row);
        }
    }

    /// <summary>The age in whole units: 12s, 3m, 2h, 1d (under a second: 0s).</summary>
    public static string Age(TimeSpan age) => Durations.Format(
        age >= TimeSpan.FromDays(1) ? TimeSpan.FromDays(Math.Floor(age.TotalDays))
        : age >= TimeSpan.FromHours(1) ? TimeSpan.FromHours(Math.Floor(age.TotalHours))
        : age >= TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(Math.Floor(age.TotalMinutes))
        : TimeSpan.FromSeconds(Math.Floor(age.TotalSeconds)));
}
