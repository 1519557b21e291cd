using Slipway.Cli.Output;
using Slipway.Core.Config;
using Slipway.Core.Scheduling;
using Slipway.Logs.Server;
using Slipway.Logs.Web;
using Spectre.Console;

namespace Slipway.Cli.Commands.Logs;

/// <summary>
/// What the logs commands read from slipway.yml's typed <c>logs:</c> section (<see cref="LogsConfig"/>), flattened for
/// them; flags override every key. The section is bound and checked in Slipway.Core like every other.
/// </summary>
internal sealed record LogsSection
{
    public string? Db { get; init; }

    public string? SyslogUdp { get; init; }

    public string? SyslogTcp { get; init; }

    public string? Http { get; init; }

    public string? Token { get; init; }

    public int RetentionDays { get; init; }

    public string? Spool { get; init; }

    public string? BaseUrl { get; init; }

    /// <summary>The deploy history group pages link to; default: <c>.slipway/history.jsonl</c> next to slipway.yml.</summary>
    public string? DeployHistory { get; init; }

    public string? Smtp { get; init; }

    public string? SmtpUser { get; init; }

    public string? SmtpPassword { get; init; }

    public bool StartTls { get; init; }

    public string? From { get; init; }

    public IReadOnlyList<string> To { get; init; } = [];

    public TimeSpan? Since { get; init; }

    public int? Top { get; init; }

    /// <summary>Browser logins: name → password hash and role (<c>viewer</c> reads; <c>admin</c> may also post events).</summary>
    public IReadOnlyDictionary<string, LogUser> Users { get; init; } = new Dictionary<string, LogUser>(StringComparer.Ordinal);

    /// <summary>Cron expression (UTC) on which <c>logs serve</c> mails the digest.</summary>
    public string? Schedule { get; init; }

    /// <summary>Null (after printing why, on stderr) when the file or its logs: section is invalid; empty when there is no file.</summary>
    /// <summary>The whole slipway.yml when one was given (the status page shows its stages and checks); null without -f.</summary>
    public Slipway.Core.Config.SlipwayConfig? Config { get; init; }

    public static LogsSection? Load(IAnsiConsole console, LogsSettings settings)
    {
        if (settings.Config is not null)
        {
            ConsoleText.Warning(console, "--config is deprecated; use -f/--file (every command names slipway.yml with -f).");
        }

        var file = settings.File ?? settings.Config;
        if (file is null)
        {
            return new LogsSection();
        }

        var config = ConfigSource.Load(console, file);
        if (config is null)
        {
            return null;
        }

        var problems = Check(config);
        if (problems.Count > 0)
        {
            DiagnosticsWriter.Write(console, problems);
            ConsoleText.Note(console, $"{file}: {ConfigSource.Plural(problems.Count, "error")}; nothing was done.", ConsoleText.Red);
            return null;
        }

        var history = Path.Combine(Path.GetDirectoryName(config.SourceFile) ?? ".", ".slipway", "history.jsonl");
        if (config.Logs is not { } logs)
        {
            return new LogsSection { DeployHistory = history, Config = config };
        }

        var digest = logs.Digest;
        return new LogsSection
        {
            Db = logs.Db,
            SyslogUdp = logs.SyslogUdp,
            SyslogTcp = logs.SyslogTcp,
            Http = logs.Http,
            Token = logs.Token,
            RetentionDays = logs.RetentionDays,
            Spool = logs.Spool,
            BaseUrl = logs.BaseUrl,
            DeployHistory = logs.DeployHistory ?? history,
            Users = logs.Users.ToDictionary(u => u.Name, u => new LogUser(u.PasswordHash, u.Admin), StringComparer.Ordinal),
            Smtp = digest.Smtp,
            SmtpUser = digest.SmtpUser,
            SmtpPassword = digest.SmtpPassword,
            StartTls = digest.StartTls,
            From = digest.From,
            To = digest.To,
            Since = digest.Since,
            Top = digest.Top,
            Schedule = digest.Schedule,
            Config = config,
        };
    }

    /// <summary>
    /// The checks of the logs: section only the logs feature can make (password hash format, cron expression, what a
    /// schedule needs), as config diagnostics with line, column and key; <c>config check</c> runs them too.
    /// </summary>
    public static List<ConfigDiagnostic> Check(SlipwayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var problems = new List<ConfigDiagnostic>();
        if (config.Logs is not { } logs)
        {
            return problems;
        }

        void Error(SourceLocation at, string path, string message) =>
            problems.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, config.SourceFile, at, path, message));

        foreach (var user in logs.Users)
        {
            if (PasswordHash.Problem(user.PasswordHash) is { } problem)
            {
                Error(user.HashLocation, user.HashPath, problem);
            }
        }

        if (logs.Digest.Schedule is { } schedule)
        {
            try
            {
                CronSchedule.Parse(schedule);
            }
            catch (FormatException e)
            {
                Error(logs.Digest.ScheduleLocation, "logs.digest.schedule", e.Message);
            }

            if (logs.Digest.Smtp is null || logs.Digest.To.Count == 0)
            {
                Error(logs.Digest.ScheduleLocation, "logs.digest.schedule", "needs logs.digest.smtp (HOST:PORT) and logs.digest.to");
            }
        }

        return problems;
    }

    public static bool IsUserName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
