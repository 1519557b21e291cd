using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Slipway.Cli.Infrastructure;
using Slipway.Cli.Output;
using Slipway.Core.Config;
using Slipway.Core.Layout;
using Slipway.Monitor;
using Slipway.Monitor.Agent;
using Slipway.Monitor.Checks;
using Slipway.Monitor.Scheduling;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Monitor;

/// <summary>
/// <c>slipway monitor agent --host H</c>: on host H, runs its <c>run_on: agent</c> checks on their schedule and sends
/// each result to monitor serve (<c>monitor.agent.url</c>), keeping them in a spool on disk while it cannot be reached.
/// Runs until SIGTERM or Ctrl-C (exit 0); 2 for a bad slipway.yml, an unknown host or a host without agent checks.
/// </summary>
public sealed class MonitorAgentCommand(IAnsiConsole console, TimeProvider time) : AsyncCommand<MonitorAgentSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, MonitorAgentSettings settings, CancellationToken cancellationToken)
    {
        if (MonitorSection.Load(console, settings.File, settings.Stage) is not var (config, configured))
        {
            return ExitCodes.UsageOrConfig;
        }

        if (settings.Host is not { Length: > 0 } wanted)
        {
            ConsoleText.Error(console, "name this host with --host HOST (as slipway.yml names it): its run_on: agent checks are run");
            return ExitCodes.UsageOrConfig;
        }

        var hosts = config.Stages.Where(s => settings.Stage is null || s.Name == settings.Stage)
            .SelectMany(s => s.Hosts).Where(h => HostFilter.Matches(h, wanted)).Select(h => h.DisplayName).Distinct(StringComparer.Ordinal).ToList();
        if (hosts.Count != 1)
        {
            ConsoleText.Error(console, hosts.Count == 0
                ? $"no host of {settings.File} is '{wanted}'{(settings.Stage is null ? "" : " in stage " + settings.Stage)}"
                : $"'{wanted}' is several hosts ({string.Join(", ", hosts)}): name one");
            return ExitCodes.UsageOrConfig;
        }

        var host = hosts[0];
        var checks = configured.Where(c => c.RunsOnAgent && c.Host.DisplayName == host).DistinctBy(c => c.Name, StringComparer.Ordinal).ToList();
        if (checks.Count == 0 || config.Monitor?.Agent is not { } agent)
        {
            ConsoleText.Error(console, $"no check runs on {host}'s agent: give checks run_on: agent (and monitor.agent its url) in {settings.File}; see docs/monitor.md");
            return ExitCodes.UsageOrConfig;
        }

        var spoolDir = settings.Spool is { } given ? Path.GetFullPath(given) : LocalState.For(config).MonitorSpool(host);
        ResultSpool spool;
        try
        {
            spool = ResultSpool.Open(spoolDir, agent.SpoolLimit);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ConsoleText.Error(console, $"cannot open the spool {spoolDir}: {e.Message}");
            return ExitCodes.CommandFailed;
        }

        await using var remote = new SshRemotePlugins(config);
        var factory = new CheckFactory(timeProvider: time, sources: MonitorSources.For(config, time, remote));
        var scheduled = checks.Select(c => factory.Create(c.Definition)).ToList();
        using var sender = new AgentSender(spool, new Uri(agent.Url), AgentEndpoint.TokenOf(agent), host, time);
        using var stop = new ServiceStop(cancellationToken);
        using var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole(o => o.SingleLine = true));
        var runner = new MonitorAgent(scheduled, host, spool, sender, config.Monitor.MaxConcurrency, agent.SpoolLimit, time, loggers);
        var gate = new Lock();
        void Note(string text)
        {
            lock (gate)
            {
                ConsoleText.Note(console, text, ConsoleText.Yellow);
            }
        }

        sender.Noted += Note;
        runner.Noted += Note;
        var events = new ConsoleEventSink(console);
        runner.Ran += run =>
        {
            if (settings.Json)
            {
                var line = JsonSerializer.Serialize(Record(host, run), AgentJsonLines.Default.AgentRunRecord);
                lock (gate)
                {
                    ConsoleText.Line(console, line);
                }
            }
            else
            {
                events.Print(run);
            }
        };

        var waiting = spool.Count;
        ConsoleText.Note(console, $"slipway monitor agent on {host}: {ConfigSource.Plural(checks.Count, "check")} " +
            $"({string.Join(", ", checks.Select(c => c.Name))}), results to {sender.Endpoint}; spool {spoolDir}" +
            (waiting > 0 ? $" ({ConfigSource.Plural(waiting, "result")} waiting from before)" : ""));
        await runner.RunAsync(stop.Token);
        ConsoleText.Note(console, $"stopped: {ConfigSource.Plural((int)runner.Scheduler.Lateness.Count, "run")}, {sender.Sent} sent, " +
            $"{spool.Count} kept in the spool for the next start");
        return ExitCodes.Success;
    }

    private static AgentRunRecord Record(string host, CheckRun run) => new(
        run.Check, host, run.Result.State.Label(), run.Status.Type == StateType.Soft ? "SOFT" : "HARD", run.Status.Attempt,
        run.Result.Output, string.Join(' ', run.Result.PerfData.Select(p => p.ToString())), run.Status.LastCheck ?? run.Started);
}

/// <summary>One line of <c>monitor agent --json</c>: a result as the agent judged it (monitor serve judges it again).</summary>
public sealed record AgentRunRecord(string Check, string Host, string State, string StateType, int Attempt, string Output, string PerfData, DateTimeOffset At);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(AgentRunRecord))]
internal sealed partial class AgentJsonLines : JsonSerializerContext;
