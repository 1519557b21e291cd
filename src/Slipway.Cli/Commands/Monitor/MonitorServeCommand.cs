using Microsoft.Extensions.Logging;
using Slipway.Cli.Infrastructure;
using Slipway.Cli.Output;
using Slipway.Core.Config;
using Slipway.Core.Net;
using Slipway.Core.Layout;
using Slipway.Monitor.Checks;
using Slipway.Monitor.Scheduling;
using Slipway.Monitor.Service;
using Slipway.Monitor.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Monitor;

/// <summary>
/// <c>slipway monitor serve</c>: runs every configured check on its schedule in the foreground until SIGTERM or
/// Ctrl-C, prints each state change, keeps <c>.slipway/monitor-state.json</c> current and applies the marks of
/// <c>monitor ack|downtime</c>. Exit 0 after a clean stop, 2 for config errors.
/// </summary>
public sealed class MonitorServeCommand(IAnsiConsole console, TimeProvider time) : AsyncCommand<MonitorServeSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, MonitorServeSettings settings, CancellationToken cancellationToken)
    {
        if (MonitorSection.Load(console, settings.File, settings.Stage) is not var (config, configured))
        {
            return ExitCodes.UsageOrConfig;
        }

        // The same host in two stages runs a check once, as monitor run does.
        var checks = configured.DistinctBy(c => c.Id, StringComparer.Ordinal).ToList();
        if (checks.Count == 0)
        {
            ConsoleText.Error(console, "no checks are configured (add them under monitor.checks in slipway.yml; see docs/monitor.md)");
            return ExitCodes.UsageOrConfig;
        }

        var state = LocalState.For(config);
        var factory = new CheckFactory(timeProvider: time);
        var scheduled = checks.Select(c => factory.Create(c.Definition with { Name = c.Id })).ToList();
        var db = HistoryLocation(settings.Db, config, state);
        if (MonitorStoreFactory.Problem(db) is { } problem)
        {
            ConsoleText.Error(console, $"--db: {problem}");
            return ExitCodes.UsageOrConfig;
        }

        var shown = DatabaseUrl.Redact(db);
        await using var store = MonitorStoreFactory.Open(db);
        try
        {
            await store.MigrateAsync(cancellationToken);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or UnauthorizedAccessException or TimeoutException)
        {
            ConsoleText.Error(console, $"cannot open the monitor history {shown}: {e.Message}");
            return ExitCodes.CommandFailed;
        }

        var options = new MonitorServiceOptions
        {
            Store = store,
            MaxConcurrency = config.Monitor!.MaxConcurrency,
            MarksPath = state.MonitorMarks,
            StatePath = state.MonitorState,
        };

        // SIGTERM (systemd, supervisord, docker stop) stops the service like Ctrl-C: running checks end, the state is written, exit 0.
        using var stop = new ServiceStop(cancellationToken);
        using var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole(o => o.SingleLine = true));
        var service = new MonitorService(scheduled, options, new ConsoleEventSink(console), time, loggers);
        var hosts = checks.Select(c => c.Host.DisplayName).Distinct(StringComparer.Ordinal).Count();
        ConsoleText.Line(console, $"slipway monitor: {ConfigSource.Plural(checks.Count, "check")} on {ConfigSource.Plural(hosts, "host")}, " +
            $"at most {options.MaxConcurrency} at a time; state in {options.StatePath}, history in {shown}");
        await service.RunAsync(stop.Token);
        var lateness = service.Scheduler.Lateness;
        ConsoleText.Line(console, $"stopped after {ConfigSource.Plural((int)lateness.Count, "run")}, {service.Stored} stored " +
            $"(start lateness p99 {lateness.Percentile(99).TotalMilliseconds:0} ms, max {lateness.Max.TotalMilliseconds:0} ms)");
        return ExitCodes.Success;
    }

    /// <summary>
    /// Where the history goes: <c>--db</c>; else the central logs' database when <c>logs.db</c> is a MariaDB or
    /// PostgreSQL server (the issue's "same databases as the logs", in tables of its own); else
    /// <c>.slipway/monitor.db</c>. A SQLite <c>logs.db</c> is not shared: one writer per file keeps both fast.
    /// </summary>
    private static string HistoryLocation(string? given, SlipwayConfig config, LocalState state) =>
        given is not null ? (DatabaseUrl.SchemeOf(given) is null ? Path.GetFullPath(given) : given)
        : config.Logs?.Db is { } logs && MonitorStoreFactory.IsServer(logs) ? logs
        : state.MonitorDb;
}

/// <summary>Prints each state change of a run as one line: time, check, what happened, the output; and why it is not notified.</summary>
internal sealed class ConsoleEventSink(IAnsiConsole console) : ICheckRunSink
{
    private readonly Lock _gate = new();

    public ValueTask RecordAsync(CheckRun run, CancellationToken ct)
    {
        foreach (var e in run.Events)
        {
            var line = $"{e.At.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z {e.Check} {Slipway.Monitor.EventText.Describe(e)}: {e.Result.Output}" +
                (e.SuppressedBecause is { } why && e.Kind is not (Slipway.Monitor.MonitorEventKind.SoftStateChange or Slipway.Monitor.MonitorEventKind.SoftRecovery)
                    ? $" (not notified: {why})" : "");
            var colour = e.To switch
            {
                Slipway.Monitor.ServiceState.Ok => ConsoleText.Green,
                Slipway.Monitor.ServiceState.Warning => ConsoleText.Yellow,
                _ => ConsoleText.Red,
            };
            lock (_gate)
            {
                ConsoleText.Line(console, line, colour);
            }
        }

        return ValueTask.CompletedTask;
    }
}
