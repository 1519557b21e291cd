using System.ComponentModel;
using System.Globalization;
using Slipway.Cli.Output;
using Slipway.Queue;
using Slipway.Queue.Admin;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Queue;

public sealed class QueuePeekSettings : OneQueueSettings
{
    [CommandArgument(1, "[ID]")]
    [Description("Show this job in full: payload, last error and output.")]
    public string? Id { get; init; }

    [CommandOption("--state <STATE>")]
    [Description("Only jobs in this state: ready, retrying (ready after a failure), running, succeeded or dead.")]
    public string? State { get; init; }

    [CommandOption("--limit <N>")]
    [Description("At most this many jobs, oldest first.")]
    [DefaultValue(20)]
    public int Limit { get; init; } = 20;

    [CommandOption("--after <ID>")]
    [Description("Only jobs with a larger id (the next page).")]
    public long After { get; init; }

    public override ValidationResult Validate()
    {
        var queue = base.Validate();
        if (!queue.Successful)
        {
            return queue;
        }

        if (JobStates.Query(Queue, State, 1, 0) is null)
        {
            return ValidationResult.Error($"--state: '{State}' is not one of {JobStates.ListWords}.");
        }

        return Limit is < 1 or > 10_000 ? ValidationResult.Error("--limit must be from 1 to 10000.") : ValidationResult.Success();
    }
}

/// <summary>
/// <c>slipway queue peek QUEUE [ID]</c>: the jobs of a queue (<see cref="IQueueEngine.PeekAsync"/>), or one job in full
/// (<see cref="IQueueEngine.GetAsync"/>). Changes nothing.
/// </summary>
public sealed class QueuePeekCommand(IAnsiConsole console, TimeProvider time) : AsyncCommand<QueuePeekSettings>
{
    private const int PayloadWidth = 60;

    public override async Task<int> ExecuteAsync(CommandContext context, QueuePeekSettings settings, CancellationToken cancellationToken)
    {
        var section = QueueSection.Load(console, settings);
        if (section is null)
        {
            return ExitCodes.UsageOrConfig;
        }

        long? id = null;
        if (settings.Id is not null)
        {
            if (!JobIds.TryParse([settings.Id], out var ids, out var bad))
            {
                ConsoleText.Error(console, bad);
                return ExitCodes.UsageOrConfig;
            }

            id = ids[0];
        }

        return await QueueStore.RunAsync(console, section, create: false, time, async engine =>
        {
            IReadOnlyList<JobInfo> jobs;
            if (id is { } one)
            {
                var job = await engine.GetAsync(one, cancellationToken);
                if (job is null || job.Queue != settings.Queue)
                {
                    ConsoleText.Error(console, $"no job {one} in {settings.Queue}" + (engine.Kind == "sqs" ? " (on SQS only dead jobs can be found by id)." : "."));
                    return ExitCodes.CommandFailed;
                }

                jobs = [job];
            }
            else
            {
                var query = JobStates.Query(settings.Queue, settings.State, settings.Limit, settings.After)!;
                jobs = await engine.PeekAsync(query, cancellationToken);
            }

            var now = time.GetUtcNow();
            if (settings.Json)
            {
                QueueJson.Write(console, new PeekRecord(true, settings.Queue, [.. jobs.Select(j => JobRecord.From(j, now))]), QueueJson.Admin.PeekRecord);
            }
            else if (id is not null)
            {
                WriteOne(jobs[0], now);
            }
            else if (jobs.Count == 0)
            {
                ConsoleText.Note(console, $"no {(settings.State is null ? "" : settings.State.ToLowerInvariant() + " ")}jobs in {settings.Queue}");
            }
            else
            {
                var rows = jobs.Select(j => new[]
                {
                    Number(j.Id), StateText(j, now), $"{Number(j.AttemptsUsed)}/{Number(j.MaxAttempts)}", Number(j.Priority),
                    j.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), OneLine(j.Payload),
                    OneLine(j.LastError ?? ""),
                }).ToList();
                foreach (var line in StatsText.Table(["ID", "STATE", "ATTEMPTS", "PRIORITY", "CREATED (UTC)", "PAYLOAD", "LAST ERROR"], rows))
                {
                    ConsoleText.Line(console, line);
                }
            }

            return ExitCodes.Success;
        }, cancellationToken);
    }

    private void WriteOne(JobInfo j, DateTimeOffset now)
    {
        ConsoleText.Line(console, $"job:       {Number(j.Id)} in {j.Queue}");
        ConsoleText.Line(console, $"state:     {StateText(j, now)}" + (j.State == JobState.Ready && j.VisibleAt > now ? $" (runs at {Stamp(j.VisibleAt)})" : ""));
        ConsoleText.Line(console, $"attempts:  {Number(j.AttemptsUsed)} of {Number(j.MaxAttempts)}");
        ConsoleText.Line(console, $"priority:  {Number(j.Priority)}");
        ConsoleText.Line(console, $"created:   {Stamp(j.CreatedAt)}");
        if (j.FinishedAt is { } finished)
        {
            ConsoleText.Line(console, $"finished:  {Stamp(finished)}");
        }

        if (j.IdempotencyKey is { } key)
        {
            ConsoleText.Line(console, $"key:       {key}");
        }

        ConsoleText.Line(console, $"payload:   {j.Payload}");
        if (j.LastError is { } error)
        {
            ConsoleText.Line(console, $"error:     {error}");
        }

        if (!string.IsNullOrEmpty(j.Output))
        {
            ConsoleText.Line(console, "output:");
            ConsoleText.Line(console, j.Output.TrimEnd('\n'));
        }
    }

    private static string StateText(JobInfo j, DateTimeOffset now) =>
        j.State == JobState.Ready && j.VisibleAt > now ? "scheduled" : JobStates.Name(j.State);

    private static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= PayloadWidth ? line : line[..(PayloadWidth - 1)] + "…";
    }
}

/// <summary>Job ids as the commands take them: positive integers.</summary>
internal static class JobIds
{
    public static bool TryParse(IReadOnlyList<string> words, out List<long> ids, out string error)
    {
        ids = [];
        var bad = new List<string>();
        foreach (var word in words)
        {
            if (long.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
            {
                ids.Add(id);
            }
            else
            {
                bad.Add($"'{word}'");
            }
        }

        error = bad.Count == 0 ? "" : $"not job ids (positive numbers): {string.Join(", ", bad)}.";
        return bad.Count == 0;
    }
}
