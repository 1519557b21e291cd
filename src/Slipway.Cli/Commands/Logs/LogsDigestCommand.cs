using System.ComponentModel;
using Slipway.Cli.Output;
using Slipway.Core;
using Slipway.Core.Config;
using Slipway.Logs.Digest;
using Slipway.Logs.Releases;
using Slipway.Logs.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Logs;

public sealed class LogsDigestSettings : LogsSettings
{
    [CommandOption("--since <DURATION>")]
    [Description("The period summarised, ending now (default 24h).")]
    public string? Since { get; init; }

    [CommandOption("--top <N>")]
    [Description("How many traceback groups (default 20).")]
    public int? Top { get; init; }

    [CommandOption("--smtp <HOST:PORT>")]
    [Description("The SMTP server (STARTTLS is used when offered).")]
    public string? Smtp { get; init; }

    [CommandOption("--smtp-user <USER>")]
    [Description("Authenticate as this user; the password comes from SLIPWAY_SMTP_PASSWORD or logs.digest.smtp_password.")]
    public string? SmtpUser { get; init; }

    [CommandOption("--starttls")]
    [Description("Require STARTTLS (fail rather than send in clear).")]
    public bool StartTls { get; init; }

    [CommandOption("--from <ADDRESS>")]
    public string? From { get; init; }

    [CommandOption("--to <ADDRESS>")]
    [Description("A recipient; repeat for several.")]
    public string[]? To { get; init; }

    [CommandOption("--base-url <URL>")]
    [Description("The browser's address, for links in the mail.")]
    public string? BaseUrl { get; init; }

    [CommandOption("--dry-run")]
    [Description("Print the digest (text) instead of mailing it; the 'new since last digest' mark is not advanced.")]
    public bool DryRun { get; init; }
}

/// <summary><c>slipway logs digest</c>.</summary>
public sealed class LogsDigestCommand(IAnsiConsole console, TimeProvider time) : AsyncCommand<LogsDigestSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, LogsDigestSettings settings, CancellationToken cancellationToken)
    {
        var section = LogsSection.Load(console, settings);
        if (section is null)
        {
            return ExitCodes.UsageOrConfig;
        }

        var db = settings.Db ?? section.Db;
        var smtp = settings.Smtp ?? section.Smtp;
        var from = settings.From ?? section.From ?? "slipway@localhost";
        var to = settings.To is { Length: > 0 } ? settings.To : section.To;
        if (db is null)
        {
            ConsoleText.Error(console, "no database: give --db (a SQLite file, mysql://… or postgres://…) or logs.db in -f FILE.");
            return ExitCodes.UsageOrConfig;
        }

        var span = section.Since ?? TimeSpan.FromHours(24);
        if (settings.Since is not null && !Durations.TryParse(settings.Since, out span))
        {
            ConsoleText.Error(console, $"--since: '{settings.Since}' is not a duration such as {Durations.Examples}.");
            return ExitCodes.UsageOrConfig;
        }

        if (!settings.DryRun)
        {
            if (smtp is null || to.Count == 0)
            {
                ConsoleText.Error(console, "mailing needs --smtp HOST:PORT and at least one --to (or logs.digest.smtp/to); use --dry-run to print.");
                return ExitCodes.UsageOrConfig;
            }
        }

        var until = time.GetUtcNow();
        try
        {
            // Reading never creates or upgrades a store: a mistyped --db must not look like a quiet day (issue 21).
            await using var store = LogStoreFactory.OpenExisting(db);
            await store.CheckSchemaAsync(cancellationToken);
            var report = await DigestReport.BuildAsync(store, until - span, until, settings.Top ?? section.Top ?? 20,
                settings.BaseUrl ?? section.BaseUrl, cancellationToken, DeployTimeline.Load(section.DeployHistory));
            if (settings.DryRun)
            {
                await console.Profile.Out.Writer.WriteAsync("Subject: " + report.Subject + "\n\n" + report.ToText());
                await console.Profile.Out.Writer.FlushAsync(cancellationToken);
                return ExitCodes.Success;
            }

            var (host, port) = SplitHostPort(smtp!);
            var password = SmtpConfig.ResolvePassword(section.SmtpPassword, Environment.GetEnvironmentVariable);
            await DigestMailer.SendAsync(report, new SmtpSettings(host, port, settings.SmtpUser ?? section.SmtpUser, password,
                settings.StartTls || section.StartTls), from, to, cancellationToken);
            await store.SetStateAsync(DigestReport.LastDigestKey, until.ToString("O", System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
            ConsoleText.Line(console, $"sent \"{report.Subject}\" to {string.Join(", ", to)}");
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is LogStoreException or FormatException or MimeKit.ParseException)
        {
            ConsoleText.Error(console, e.Message);
            return ExitCodes.UsageOrConfig;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or System.Net.Sockets.SocketException or MailKit.ProtocolException
                                     or MailKit.CommandException or IOException or System.Security.Authentication.AuthenticationException)
        {
            ConsoleText.Error(console, $"could not send the digest: {e.Message}");
            return ExitCodes.ConnectionFailed;
        }
    }

    private static (string Host, int Port) SplitHostPort(string text) =>
        SmtpConfig.Split(text) ?? throw new FormatException($"--smtp: '{text}' is not HOST:PORT");
}
