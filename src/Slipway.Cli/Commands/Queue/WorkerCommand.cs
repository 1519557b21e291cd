using System.ComponentModel;
using System.Globalization;
using Slipway.Cli.Infrastructure;
using Slipway.Cli.Output;
using Slipway.Core;
using Slipway.Core.Shell;
using Slipway.Queue;
using Slipway.Queue.Scheduling;
using Slipway.Queue.Workers;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Queue;

public sealed class WorkerSettings : QueueSettings
{
    [CommandArgument(0, "<QUEUE>")]
    [Description("The queue to take jobs from.")]
    public string Queue { get; init; } = "";

    [CommandOption("-c|--concurrency <N>")]
    [Description("Jobs run at once, each its own process (default: queue.worker.concurrency, 1).")]
    public int? Concurrency { get; init; }

    [CommandOption("-t|--timeout <DURATION>")]
    [Description("Kill a job's process (and its children) and fail the job after this long; 0 for none (default: queue.worker.timeout, 10m).")]
    public string? Timeout { get; init; }

    [CommandOption("--lease <DURATION>")]
    [Description("A job's lease, renewed every third of it while it runs (default: queue.lease, 30s).")]
    public string? Lease { get; init; }

    [CommandOption("--stop-grace <DURATION>")]
    [Description("On SIGTERM or Ctrl-C, let running jobs finish this long before they are killed and go back to the queue (default: queue.worker.stop_grace, 30s).")]
    public string? StopGrace { get; init; }

    [CommandOption("--no-schedules")]
    [Description("Do not run queue.schedules here (by default every worker runs them; each tick still pushes one job across all hosts).")]
    public bool NoSchedules { get; init; }

    [CommandOption("--poll <DURATION>")]
    [Description("Look for due jobs at least this often when idle (default: queue.worker.poll, 1s).")]
    public string? Poll { get; init; }

    public override ValidationResult Validate()
    {
        if (!QueueName.IsValid(Queue))
        {
            return ValidationResult.Error($"'{Queue}' is not a queue name: use {QueueName.Rule}.");
        }

        if (Concurrency is < 1 or > 1000)
        {
            return ValidationResult.Error("--concurrency must be from 1 to 1000.");
        }

        foreach (var (flag, text, zeroAllowed) in new[] { ("--timeout", Timeout, true), ("--lease", Lease, false), ("--stop-grace", StopGrace, true), ("--poll", Poll, false) })
        {
            if (text is not null && (Durations.Parse(text) is not { } value || (!zeroAllowed && value == TimeSpan.Zero)))
            {
                return ValidationResult.Error($"{flag}: '{text}' is not a duration such as {Durations.Examples}{(zeroAllowed ? "" : " (more than 0)")}.");
            }
        }

        return ValidationResult.Success();
    }
}

/// <summary>
/// <c>slipway worker QUEUE -- COMMAND…</c>: the library's <see cref="QueueWorker"/> with a <see cref="CommandJobHandler"/>:
/// each job runs as a process with its payload on stdin, exit code 0 succeeds, anything else fails the job with the
/// output kept as its message. SIGTERM or Ctrl-C stops leasing; running jobs finish within the grace time or are
/// killed and given back, and the worker exits 0 (a supervisor's expected exit).
/// </summary>
public sealed class WorkerCommand(IAnsiConsole console, TimeProvider time) : AsyncCommand<WorkerSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, WorkerSettings settings, CancellationToken cancellationToken)
    {
        var section = QueueSection.Load(console, settings);
        if (section is null)
        {
            return ExitCodes.UsageOrConfig;
        }

        var command = context.Remaining.Raw;
        if (command.Count == 0 || string.IsNullOrWhiteSpace(command[0]))
        {
            ConsoleText.Error(console, "no command given. Put it after --, e.g. slipway worker emails -- python3 send_mail.py");
            return ExitCodes.UsageOrConfig;
        }

        var defaults = section.Config;
        var timeout = settings.Timeout is null ? defaults.Worker.Timeout : Durations.Parse(settings.Timeout) is { } t && t > TimeSpan.Zero ? t : null;
        var options = new WorkerOptions
        {
            Concurrency = settings.Concurrency ?? defaults.Worker.Concurrency,
            Lease = settings.Lease is null ? defaults.Lease : Durations.Parse(settings.Lease)!.Value,
            StopGrace = settings.StopGrace is null ? defaults.Worker.StopGrace : Durations.Parse(settings.StopGrace)!.Value,
            IdlePoll = settings.Poll is null ? defaults.Worker.Poll : Durations.Parse(settings.Poll)!.Value,
        };

        var output = new WorkerOutput(console);
        await using var failureLog = section.FailureLog(output.Warn);
        options = options with { FailureLog = failureLog };
        var schedules = settings.NoSchedules ? [] : section.Schedules();
        var handler = new ReportingHandler(new CommandJobHandler([.. command], new CommandJobOptions { Timeout = timeout }), output, time);

        // Ctrl-C cancels the command's token (Program); SIGTERM, which supervisors send, does the same here.
        using var stop = new ServiceStop(cancellationToken);
        // The worker stops on its own token, cancelled after the note: so "stopping" is always said before "stopped".
        using var workerStop = new CancellationTokenSource();
        using var stopping = stop.Token.Register(() =>
        {
            output.Note($"stopping: running jobs get {Durations.Format(options.StopGrace)} to finish, then go back to the queue");
            workerStop.Cancel();
        });

        return await QueueStore.RunAsync(console, section, create: true, time, async engine =>
        {
            output.Note($"taking jobs from {settings.Queue} at {section.ShownUrl}, {options.Concurrency.ToString(CultureInfo.InvariantCulture)} at a time: "
                + string.Join(' ', command.Select(ShellQuote.Quote)));
            if (failureLog is not null)
            {
                output.Note($"failed jobs go to the logs at {failureLog.Intake}");
            }

            var cron = schedules.Count == 0 ? Task.CompletedTask : new CronScheduler(engine, schedules, time, output)
            {
                OnTick = tick =>
                {
                    if (tick.Outcome == CronOutcome.Fired)
                    {
                        output.Note($"schedule {tick.Schedule}: tick {tick.Tick.UtcDateTime:yyyy-MM-dd HH:mm}Z pushed job {tick.JobId.ToString(CultureInfo.InvariantCulture)}");
                    }
                },
            }.RunAsync(workerStop.Token);
            if (schedules.Count > 0)
            {
                output.Note($"running {schedules.Count.ToString(CultureInfo.InvariantCulture)} cron schedule(s): {string.Join(", ", schedules.Select(s => $"{s.Name} ({s.Cron.Expression}{(s.Cron.Zone == TimeZoneInfo.Utc ? "" : " " + s.Cron.Zone.Id)} -> {s.Queue})"))}");
            }

            await new QueueWorker(engine, settings.Queue, handler, options, time, output).RunAsync(workerStop.Token);
            await cron;
            output.Note("stopped");
            return ExitCodes.Success;
        }, stop.Token);
    }
}
