using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Slipway.Cli.Output;
using Slipway.Core;
using Slipway.Queue;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Queue;

public sealed class QueuePushSettings : OneQueueSettings
{
    // Not --json: that is every command's machine-output flag (the CLI contract), so the payload has its own name.
    [CommandOption("--payload <JSON>")]
    [Description("The job's payload, a JSON document; the worker's command reads it on stdin.")]
    public string? Payload { get; init; }

    [CommandOption("--payload-file <FILE>")]
    [Description("Read the payload from this file (- for standard input).")]
    public string? PayloadFile { get; init; }

    [CommandOption("--delay <DURATION>")]
    [Description("Run the job no sooner than this from now: 30s, 5m, 2h.")]
    public string? Delay { get; init; }

    [CommandOption("--key <KEY>")]
    [Description("Idempotency key: while a job with this key is kept in the queue, pushing it again adds nothing.")]
    public string? Key { get; init; }

    [CommandOption("--priority <N>")]
    [Description("Higher runs first (default 0).")]
    public int Priority { get; init; }

    [CommandOption("--max-attempts <N>")]
    [Description("Attempts before the job is dead-lettered (default: queue.retry.max_attempts, 10).")]
    public int? MaxAttempts { get; init; }

    public override ValidationResult Validate()
    {
        var queue = base.Validate();
        if (!queue.Successful)
        {
            return queue;
        }

        if (Delay is not null && !Durations.TryParse(Delay, out _))
        {
            return ValidationResult.Error($"--delay: '{Delay}' is not a duration such as {Durations.Examples}.");
        }

        if (Key is { } key && (key.Length == 0 || key.Length > 500))
        {
            return ValidationResult.Error("--key must be 1 to 500 characters.");
        }

        if (MaxAttempts is < 1 or > 1000)
        {
            return ValidationResult.Error("--max-attempts must be from 1 to 1000.");
        }

        return Payload is not null && PayloadFile is not null
            ? ValidationResult.Error("give --payload or --payload-file, not both.")
            : ValidationResult.Success();
    }
}

/// <summary><c>slipway queue push QUEUE --payload JSON</c>: one <see cref="IQueueEngine.EnqueueAsync"/>.</summary>
public sealed class QueuePushCommand(IAnsiConsole console, TimeProvider time) : AsyncCommand<QueuePushSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, QueuePushSettings settings, CancellationToken cancellationToken)
    {
        // The file first: with -f, a bad slipway.yml is the error to report whatever else is wrong.
        var section = QueueSection.Load(console, settings);
        if (section is null)
        {
            return ExitCodes.UsageOrConfig;
        }

        var payload = await ReadPayloadAsync(settings, cancellationToken);
        if (payload is null)
        {
            return ExitCodes.UsageOrConfig;
        }

        var job = new NewJob(settings.Queue, payload)
        {
            Delay = settings.Delay is null ? TimeSpan.Zero : Durations.Parse(settings.Delay)!.Value,
            IdempotencyKey = settings.Key,
            Priority = settings.Priority,
            MaxAttempts = settings.MaxAttempts,
        };
        return await QueueStore.RunAsync(console, section, create: true, time, async engine =>
        {
            var result = await engine.EnqueueAsync(job, cancellationToken);
            if (settings.Json)
            {
                QueueJson.Write(console, new PushRecord(true, settings.Queue, result.JobId, result.Created), QueueJson.Context.PushRecord);
            }
            else
            {
                var id = result.JobId.ToString(CultureInfo.InvariantCulture);
                ConsoleText.Line(console, result.Created
                    ? $"job {id} pushed to {settings.Queue}" + (job.Delay > TimeSpan.Zero ? $", runs in {Durations.Format(job.Delay)}" : "")
                    : $"job {id} already in {settings.Queue} with key '{settings.Key}'; nothing added");
            }

            return ExitCodes.Success;
        }, cancellationToken);
    }

    /// <summary>The payload text, or null after saying why it is not JSON or cannot be read.</summary>
    private async Task<string?> ReadPayloadAsync(QueuePushSettings settings, CancellationToken ct)
    {
        if (settings.Payload is null && settings.PayloadFile is null)
        {
            ConsoleText.Error(console, "no payload: give --payload '{\"to\": \"a@example.com\"}' or --payload-file FILE (- for standard input).");
            return null;
        }

        string text;
        var source = settings.PayloadFile is null ? "--payload" : settings.PayloadFile == "-" ? "standard input" : settings.PayloadFile;
        try
        {
            text = settings.Payload
                ?? (settings.PayloadFile == "-" ? await Console.In.ReadToEndAsync(ct) : await File.ReadAllTextAsync(settings.PayloadFile!, ct));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ConsoleText.Error(console, $"--payload-file: cannot read {settings.PayloadFile}: {e.Message}");
            return null;
        }

        try
        {
            using var _ = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            ConsoleText.Error(console, $"{source}: not a JSON document: {e.Message}");
            return null;
        }

        return text;
    }
}
