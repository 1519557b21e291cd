using System.ComponentModel;
using System.Text.Json;
using Slipway.Cli.Output;
using Slipway.Core;
using Slipway.Logs.Model;
using Slipway.Logs.Releases;
using Slipway.Logs.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Logs;

public sealed class LogsQuerySettings : LogsSettings
{
    [CommandOption("--since <DURATION>")]
    [Description("Only events received within this period: 15m, 1h, 24h, 7d.")]
    public string? Since { get; init; }

    [CommandOption("--host <HOST>")]
    public string? Host { get; init; }

    [CommandOption("--program <PROGRAM>")]
    public string? Program { get; init; }

    [CommandOption("--severity <SEVERITY>")]
    [Description("This severity and worse: emerg, alert, crit, err, warning, notice, info, debug (or 0-7).")]
    public string? Severity { get; init; }

    [CommandOption("--facility <FACILITY>")]
    [Description("kern, user, daemon, auth, local0 … local7 (or 0-23).")]
    public string? Facility { get; init; }

    [CommandOption("--text <WORDS>")]
    [Description("Words that must all occur in the message (full-text search).")]
    public string? Text { get; init; }

    [CommandOption("--group <FINGERPRINT>")]
    [Description("Only the events of this traceback group (the fingerprint the browser's /groups pages and the digest show).")]
    public string? Group { get; init; }

    [CommandOption("--release <NAME>")]
    [Description("Only events received while this release was live, by the deploy history (logs.deploy_history): from its deploy until the next.")]
    public string? Release { get; init; }

    [CommandOption("--stage <STAGE>")]
    [Description("With --release: the stage whose deploys count (needed when the release name was live on several stages).")]
    public string? Stage { get; init; }

    [CommandOption("--limit <N>")]
    [DefaultValue(100)]
    public int Limit { get; init; } = 100;

    [CommandOption("--json")]
    [Description("One JSON object per line.")]
    public bool Json { get; init; }
}

/// <summary><c>slipway logs query</c>.</summary>
public sealed class LogsQueryCommand(IAnsiConsole console, TimeProvider time) : AsyncCommand<LogsQuerySettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, LogsQuerySettings settings, CancellationToken cancellationToken)
    {
        var section = LogsSection.Load(console, settings);
        if (section is null)
        {
            return ExitCodes.UsageOrConfig;
        }

        var db = settings.Db ?? section.Db;
        if (db is null)
        {
            ConsoleText.Error(console, "no database: give --db (a SQLite file, mysql://… or postgres://…) or logs.db in -f FILE.");
            return ExitCodes.UsageOrConfig;
        }

        var query = new LogQuery { Host = settings.Host, Program = settings.Program, Text = settings.Text, Limit = settings.Limit };
        if (settings.Since is not null)
        {
            if (!Durations.TryParse(settings.Since, out var span))
            {
                ConsoleText.Error(console, $"--since: '{settings.Since}' is not a duration such as {Durations.Examples}.");
                return ExitCodes.UsageOrConfig;
            }

            query = query with { Since = time.GetUtcNow() - span };
        }

        if (settings.Severity is not null)
        {
            if (!SyslogNames.TryParseSeverity(settings.Severity, out var severity))
            {
                ConsoleText.Error(console, $"--severity: '{settings.Severity}' is not one of emerg, alert, crit, err, warning, notice, info, debug, 0-7.");
                return ExitCodes.UsageOrConfig;
            }

            query = query with { MaxSeverity = severity };
        }

        if (settings.Facility is not null)
        {
            if (!SyslogNames.TryParseFacility(settings.Facility, out var facility))
            {
                ConsoleText.Error(console, $"--facility: '{settings.Facility}' is not a facility name (kern, user, daemon, local0…) or 0-23.");
                return ExitCodes.UsageOrConfig;
            }

            query = query with { Facility = facility };
        }

        if (settings.Group is { } group)
        {
            query = query with { Fingerprint = group.Trim() };
        }

        // Each time --release was live (more than once when it was rolled back to), within --since when both are given.
        var queries = new List<LogQuery> { query };
        if (settings.Release is not null)
        {
            if (ReleaseWindows(settings, section.DeployHistory) is not { } windows)
            {
                return ExitCodes.UsageOrConfig;
            }

            queries = [.. windows
                .Select(w => query with { Since = query.Since is { } s && s > w.From.Finished ? s : w.From.Finished, Until = w.Until })
                .Where(q => q.Until is null || q.Since < q.Until)];
        }
        else if (settings.Stage is not null)
        {
            ConsoleText.Error(console, "--stage is for --release: it says which stage's deploys of that release count.");
            return ExitCodes.UsageOrConfig;
        }

        IReadOnlyList<StoredEvent> events;
        try
        {
            // Reading never creates or upgrades a store: a mistyped --db must not look like an empty log (issue 21).
            await using var store = LogStoreFactory.OpenExisting(db);
            await store.CheckSchemaAsync(cancellationToken);
            var found = new List<StoredEvent>();
            foreach (var q in queries)
            {
                found.AddRange(await store.QueryAsync(q, cancellationToken));
            }

            events = [.. found.OrderByDescending(e => e.Id).Take(settings.Limit)];
        }
        catch (Exception e) when (e is LogStoreException or System.Data.Common.DbException)
        {
            ConsoleText.Error(console, $"{LogStoreFactory.Redact(db)}: {e.Message}");
            return e is LogStoreException ? ExitCodes.UsageOrConfig : ExitCodes.ConnectionFailed;
        }

        var writer = console.Profile.Out.Writer;
        foreach (var stored in events)
        {
            var e = stored.Event;
            if (settings.Json)
            {
                await writer.WriteAsync(JsonSerializer.Serialize(LogEventRecord.From(stored), CliJsonContext.Default.LogEventRecord));
                await writer.WriteAsync('\n');
            }
            else
            {
                var program = e.ProcId.Length > 0 ? $"{e.Program}[{e.ProcId}]" : e.Program;
                await writer.WriteAsync($"{e.ReceivedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} {e.Host} {program} {SyslogNames.SeverityName(e.Severity)}: {e.Message}\n");
            }
        }

        await writer.FlushAsync(cancellationToken);
        return ExitCodes.Success;
    }

    /// <summary>The windows in which --release was live on one stage, or null after saying why there are none to use.</summary>
    private IReadOnlyList<ReleaseWindow>? ReleaseWindows(LogsQuerySettings settings, string? historyPath)
    {
        var windows = DeployTimeline.Load(historyPath).LiveWindows(settings.Release!, settings.Stage);
        if (windows.Count == 0)
        {
            var where = historyPath is null ? "no deploy history is configured (logs.deploy_history)" : $"the deploy history {historyPath}";
            ConsoleText.Error(console, $"--release: '{settings.Release}' was never live{(settings.Stage is null ? "" : $" on {settings.Stage}")} according to {where}.");
            return null;
        }

        var stages = windows.Select(w => w.From.Stage).Distinct(StringComparer.Ordinal).ToList();
        if (stages.Count > 1)
        {
            ConsoleText.Error(console, $"--release: '{settings.Release}' was live on {string.Join(" and ", stages)}; add --stage {stages[0]} (or another).");
            return null;
        }

        return windows;
    }
}

internal sealed record LogEventRecord(
    long Id, DateTimeOffset ReceivedAt, DateTimeOffset? ReportedAt, string Host, string Program, string ProcId, string MsgId,
    string Severity, string Facility, string StructuredData, string Message, bool ParseError, bool Truncated, string? Fingerprint)
{
    public static LogEventRecord From(StoredEvent s)
    {
        var e = s.Event;
        return new LogEventRecord(s.Id, e.ReceivedAt, e.ReportedAt, e.Host, e.Program, e.ProcId, e.MsgId, SyslogNames.SeverityName(e.Severity),
            SyslogNames.FacilityName(e.Facility), e.StructuredData, e.Message, e.Flags.HasFlag(EventMarks.ParseError),
            e.Flags.HasFlag(EventMarks.Truncated), e.Fingerprint);
    }
}
