using System.ComponentModel;
using Microsoft.Extensions.Logging;
using Slipway.Cli.Infrastructure;
using Slipway.Cli.Output;
using Slipway.Core.Config;
using Slipway.Logs.Server;
using Slipway.Logs.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Logs;

public sealed class LogsServeSettings : LogsSettings
{
    [CommandOption("--syslog-udp <HOST:PORT>")]
    [Description("Receive syslog over UDP here (e.g. 0.0.0.0:514).")]
    public string? SyslogUdp { get; init; }

    [CommandOption("--syslog-tcp <HOST:PORT>")]
    [Description("Receive syslog over TCP here (octet-counted or LF-framed).")]
    public string? SyslogTcp { get; init; }

    [CommandOption("--http <HOST:PORT>")]
    [Description("Serve the browser, POST /api/logs and /metrics here.")]
    public string? Http { get; init; }

    [CommandOption("--token <TOKEN>")]
    [Description("The login token of the browser and API (also SLIPWAY_LOGS_TOKEN, or logs.token).")]
    public string? Token { get; init; }

    [CommandOption("--spool <FILE>")]
    [Description("Where events wait while the database is unavailable (default: next to the SQLite file, or in /tmp).")]
    public string? Spool { get; init; }

    [CommandOption("--retention-days <DAYS>")]
    [Description("Delete events older than this, in small batches (default: keep everything).")]
    public int? RetentionDays { get; init; }
}

/// <summary><c>slipway logs serve</c>: runs until SIGTERM or Ctrl-C, then writes everything received and exits 0.</summary>
public sealed class LogsServeCommand(IAnsiConsole console, TimeProvider time) : AsyncCommand<LogsServeSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, LogsServeSettings settings, CancellationToken cancellationToken)
    {
        var section = LogsSection.Load(console, settings);
        if (section is null)
        {
            return ExitCodes.UsageOrConfig;
        }

        var db = settings.Db ?? section.Db;
        var udp = settings.SyslogUdp ?? section.SyslogUdp;
        var tcp = settings.SyslogTcp ?? section.SyslogTcp;
        var http = settings.Http ?? section.Http;
        if (db is null)
        {
            ConsoleText.Error(console, "no database: give --db (a SQLite file, mysql://… or postgres://…) or logs.db in -f FILE.");
            return ExitCodes.UsageOrConfig;
        }

        if (udp is null && tcp is null && http is null)
        {
            ConsoleText.Error(console, "nothing to listen on: give --syslog-udp, --syslog-tcp and/or --http (or logs.syslog_udp/… in -f FILE).");
            return ExitCodes.UsageOrConfig;
        }

        LogServerOptions options;
        try
        {
            options = new LogServerOptions
            {
                Database = db,
                SyslogUdp = udp is null ? null : LogServerOptions.ParseEndpoint(udp),
                SyslogTcp = tcp is null ? null : LogServerOptions.ParseEndpoint(tcp),
                Http = http is null ? null : LogServerOptions.ParseEndpoint(http),
                Token = settings.Token ?? Environment.GetEnvironmentVariable("SLIPWAY_LOGS_TOKEN") ?? section.Token,
                SpoolPath = settings.Spool ?? section.Spool,
                RetentionDays = settings.RetentionDays ?? section.RetentionDays,
                Digest = ScheduledDigestFrom(section),
                DeployHistory = section.DeployHistory,
                Users = section.Users,
                WebParts = StatusWiring.Parts(section, time),
            };
        }
        catch (FormatException e)
        {
            ConsoleText.Error(console, e.Message);
            return ExitCodes.UsageOrConfig;
        }

        if (options.Digest is { } d)
        {
            ConsoleText.Line(console, $"digest: \"{d.Schedule.Expression}\" (UTC) to {string.Join(", ", d.To)}, next {d.Schedule.Next(time.GetUtcNow()):yyyy-MM-dd HH:mm} UTC");
        }

        // SIGTERM (systemd, supervisord, docker stop) ends the server like Ctrl-C: stop listening, drain, exit 0.
        using var stop = new ServiceStop(cancellationToken);
        using var loggers = LoggerFactory.Create(b => b
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddSimpleConsole(o => o.SingleLine = true));
        await using var server = new LogServer(options, loggers);
        try
        {
            await server.StartAsync(stop.Token);
        }
        catch (Exception e) when (e is LogStoreException or System.Data.Common.DbException or System.Net.Sockets.SocketException or IOException)
        {
            ConsoleText.Error(console, $"cannot start: {e.Message} (database {LogStoreFactory.Redact(db)})");
            return e is LogStoreException ? ExitCodes.UsageOrConfig : ExitCodes.ConnectionFailed;
        }

        ConsoleText.Line(console, $"slipway logs: storing into {server.Store.Kind} {LogStoreFactory.Redact(db)}");
        if (server.UdpEndPoint is { } u)
        {
            ConsoleText.Line(console, $"syslog udp {u}");
        }

        if (server.TcpEndPoint is { } t)
        {
            ConsoleText.Line(console, $"syslog tcp {t}");
        }

        if (server.HttpAddress is { } h)
        {
            ConsoleText.Line(console, $"http {h}");
            foreach (var part in options.WebParts)
            {
                ConsoleText.Line(console, $"http {new Uri(h, part.Prefix)} ({part.Title.ToLowerInvariant()})");
            }
        }

        if (options.Token is null && options.Http is not null)
        {
            ConsoleText.Warning(console, "no token configured; the browser and POST /api/logs are open to anyone who can reach them.");
        }

        try
        {
            await Task.WhenAny(Task.Delay(Timeout.Infinite, stop.Token), server.Writer);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }

        ConsoleText.Line(console, "stopping: draining the queue...");
        await server.StopAsync();
        var m = server.Metrics;
        ConsoleText.Line(console,
            $"stopped: {m.Written} events written, {m.Spooled} spooled, {m.DroppedUdp} UDP dropped, {m.ParseErrors} unparsed.");
        return server.Writer.IsFaulted ? ExitCodes.CommandFailed : ExitCodes.Success;
    }

    /// <summary>logs.digest.schedule with its smtp/to; null without a schedule. Throws FormatException on bad values.</summary>
    internal static ScheduledDigest? ScheduledDigestFrom(LogsSection section)
    {
        if (section.Schedule is not { } cron)
        {
            return null;
        }

        var schedule = Slipway.Core.Scheduling.CronSchedule.Parse(cron);
        if (section.Smtp is not { } smtp || section.To.Count == 0)
        {
            throw new FormatException("logs.digest.schedule needs logs.digest.smtp (HOST:PORT) and logs.digest.to");
        }

        var (host, port) = SmtpConfig.Split(smtp) ?? throw new FormatException($"logs.digest.smtp: '{smtp}' is not HOST:PORT");
        var period = section.Since ?? TimeSpan.FromHours(24);
        return new ScheduledDigest(schedule,
            new Slipway.Logs.Digest.SmtpSettings(host, port, section.SmtpUser,
                SmtpConfig.ResolvePassword(section.SmtpPassword, Environment.GetEnvironmentVariable), section.StartTls),
            section.From ?? "slipway@localhost", section.To, period, section.Top ?? 20, section.BaseUrl);
    }
}
