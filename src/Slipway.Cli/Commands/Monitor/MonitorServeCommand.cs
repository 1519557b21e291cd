using Microsoft.Extensions.Logging;
using Slipway.Cli.Infrastructure;
using Slipway.Cli.Output;
using Slipway.Core.Config;
using Slipway.Core.Net;
using Slipway.Core.Layout;
using Slipway.Monitor.Agent;
using Slipway.Monitor.Alerts;
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
        await using var remote = new SshRemotePlugins(config);
        var factory = new CheckFactory(timeProvider: time, sources: MonitorSources.For(config, time, remote));
        // run_on: agent checks are passive here: their hosts' agents run them and post the results (AgentResultServer).
        var scheduled = checks.Select(c => factory.Create(c.Definition with { Name = c.Id }) with { Passive = c.RunsOnAgent }).ToList();
        var agentChecks = checks.Where(c => c.RunsOnAgent).ToList();
        var intake = agentChecks.Count == 0 ? null : AgentEndpoint.Resolve(config.Monitor!.Agent!);
        if (intake is { Error: { } intakeError })
        {
            ConsoleText.Error(console, intakeError);
            return ExitCodes.UsageOrConfig;
        }

        var db = HistoryLocation.Resolve(settings.Db, config);
        if (MonitorStoreFactory.Problem(db) is { } problem)
        {
            ConsoleText.Error(console, $"{(settings.Db is null ? "monitor.db" : "--db")}: {problem}");
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

        var monitor = config.Monitor!;
        var channels = AlertChannels(monitor.Alerts, time);
        var printer = new ConsoleEventSink(console);
        var inMemory = new AlertDispatcher(channels, new DeliveryPolicy { Attempts = monitor.Alerts.Attempts, FirstDelay = monitor.Alerts.RetryDelay },
            printer.Delivery, time);
        await using var outbox = channels.Count == 0 ? null : await AlertOutbox.OpenAsync(config, monitor.Alerts, time, printer.Warn, cancellationToken);
        IAlertDispatcher dispatcher = outbox is null
            ? inMemory
            : new QueuedAlertDispatcher(channels, outbox.Jobs, monitor.Alerts.Attempts, inMemory, printer.Delivery, printer.Warn, time);
        var options = new MonitorServiceOptions
        {
            Store = store,
            MaxConcurrency = monitor.MaxConcurrency,
            MarksPath = state.MonitorMarks,
            StatePath = state.MonitorState,
            Alerts = dispatcher,
            RenotifyInterval = monitor.Alerts.RenotifyInterval,
            DeployWindow = monitor.DeployWindow,
            AgentFreshness = monitor.Agent?.Freshness,
        };

        // SIGTERM (systemd, supervisord, docker stop) stops the service like Ctrl-C: running checks end, the state is written, exit 0.
        using var stop = new ServiceStop(cancellationToken);
        using var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole(o => o.SingleLine = true));
        var service = new MonitorService(scheduled, options, printer, time, loggers);
        service.AlertPlanned += printer.Alert;
        var hosts = checks.Select(c => c.Host.DisplayName).Distinct(StringComparer.Ordinal).Count();
        ConsoleText.Line(console, $"slipway monitor: {ConfigSource.Plural(checks.Count, "check")} on {ConfigSource.Plural(hosts, "host")}, " +
            $"at most {options.MaxConcurrency} at a time; state in {options.StatePath}, history in {shown}");
        ConsoleText.Line(console, channels.Count == 0
            ? "alerts: none (no monitor.alerts channel is configured; see docs/monitor.md)"
            : $"alerts: {string.Join(", ", channels.Select(c => c.Name))}; " +
              (monitor.Alerts.RenotifyInterval > TimeSpan.Zero ? $"a problem is told again every {Core.Durations.Format(monitor.Alerts.RenotifyInterval)}" : "a problem is told once") +
              (outbox is null ? "" : $"; kept in the queue at {outbox.Jobs.Where} until sent"));
        await using var agents = service.Agents is { } receiver
            ? new AgentResultServer(receiver, intake!.Endpoint!, intake.Token, loggers)
            : null;
        if (agents is not null)
        {
            try
            {
                await agents.StartAsync(cancellationToken);
            }
            catch (IOException e)
            {
                ConsoleText.Error(console, $"cannot listen on {intake!.Endpoint} for the host agents' results: {e.Message}");
                return ExitCodes.CommandFailed;
            }

            service.Agents!.Noted += note => printer.Note(note);
            var agentHosts = agentChecks.Select(c => c.Host.DisplayName).Distinct(StringComparer.Ordinal).Count();
            ConsoleText.Line(console, $"agents: {ConfigSource.Plural(agentChecks.Count, "check")} on {ConfigSource.Plural(agentHosts, "host")} " +
                $"report to {agents.Address}{AgentResultServer.Route.TrimStart('/')}" + (intake!.Token is null ? " (no token: loopback only)" : "") +
                $"; UNKNOWN after {(monitor.Agent!.Freshness is { } f ? Core.Durations.Format(f) : "2 x check_interval + 1m")} without a result");
        }

        await service.RunAsync(stop.Token);
        var lateness = service.Scheduler.Lateness;
        ConsoleText.Line(console, $"stopped after {ConfigSource.Plural((int)lateness.Count, "run")}" +
            (service.Agents is { } taken ? $" and {ConfigSource.Plural((int)taken.Accepted, "result")} from agents" : "") + $", {service.Stored} stored " +
            $"(start lateness p99 {lateness.Percentile(99).TotalMilliseconds:0} ms, max {lateness.Max.TotalMilliseconds:0} ms)");
        return ExitCodes.Success;
    }

    /// <summary>The channels monitor.alerts configures, in the order mail, webhook, command.</summary>
    internal static List<IAlertChannel> AlertChannels(MonitorAlertsConfig alerts, TimeProvider time)
    {
        var channels = new List<IAlertChannel>();
        if (alerts.Mail is { } mail)
        {
            channels.Add(new MailChannel(mail, mail.ResolvePassword(Environment.GetEnvironmentVariable)));
        }

        if (alerts.Webhook is { } hook)
        {
            channels.Add(new WebhookChannel(new Uri(hook.Url), hook.Timeout));
        }

        if (alerts.Command is { } command)
        {
            channels.Add(new CommandChannel(command.Command, command.Shell, command.Timeout, time));
        }

        return channels;
    }
}

/// <summary>Prints each state change of a run as one line: time, check, what happened, the output; and why it is not notified.</summary>
internal sealed class ConsoleEventSink(IAnsiConsole console) : ICheckRunSink
{
    private readonly Lock _gate = new();

    /// <summary>An alert decided: "ALERT PROBLEM broken@web1 CRITICAL #1 (after deploy of release …)".</summary>
    public void Alert(Notification n)
    {
        var line = $"{n.At.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z alert {n.Type} {n.Check} {Slipway.Monitor.ServiceStates.Label(n.State)}" +
            (n.Number > 1 ? $" (again, #{n.Number})" : "") + (n.Deploy is { } d ? $" ({d.Describe()})" : "");
        lock (_gate)
        {
            ConsoleText.Line(console, line);
        }
    }

    /// <summary>Something the service carries on from (an alert it could not store in the queue).</summary>
    public void Warn(string message)
    {
        lock (_gate)
        {
            ConsoleText.Line(console, "warning: " + message, ConsoleText.Yellow);
        }
    }

    /// <summary>A line about the host agents (dropped results, unknown checks).</summary>
    public void Note(string text)
    {
        lock (_gate)
        {
            ConsoleText.Line(console, text, ConsoleText.Yellow);
        }
    }

    /// <summary>A failed try (and its retry), a give-up, or a success after a retry; a first-time success is silent.</summary>
    public void Delivery(DeliveryReport r)
    {
        if (r.Delivered && r.Attempt == 1)
        {
            return;
        }

        var what = $"alert {r.Notification.Type} {r.Notification.Check} by {r.Channel}";
        var line = r.Delivered ? $"{what}: sent at attempt {r.Attempt}"
            : r.RetryIn is { } wait ? $"{what}: attempt {r.Attempt} of {r.Attempts} failed: {r.Error}; next try in {Core.Durations.Format(wait)}"
            : $"{what}: given up after attempt {r.Attempt}: {r.Error}";
        lock (_gate)
        {
            ConsoleText.Line(console, line, r.Delivered ? null : ConsoleText.Yellow);
        }
    }

    public ValueTask RecordAsync(CheckRun run, CancellationToken ct)
    {
        Print(run);
        return ValueTask.CompletedTask;
    }

    /// <summary>The run's state changes, one line each.</summary>
    public void Print(CheckRun run)
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
    }
}
