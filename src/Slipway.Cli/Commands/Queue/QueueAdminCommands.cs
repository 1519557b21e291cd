using System.ComponentModel;
using Slipway.Cli.Output;
using Slipway.Queue;
using Slipway.Queue.Admin;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Queue;

public sealed class QueueRetrySettings : OneQueueSettings
{
    [CommandArgument(1, "[ID]")]
    [Description("Only these dead jobs (default: every dead job of the queue).")]
    public string[] Ids { get; init; } = [];
}

public sealed class QueueDeleteSettings : OneQueueSettings
{
    [CommandArgument(1, "<ID>")]
    [Description("The jobs to delete, in any state.")]
    public string[] Ids { get; init; } = [];
}

public sealed class QueuePurgeSettings : OneQueueSettings
{
    [CommandOption("--state <STATE>")]
    [Description("Only jobs in this state: ready, running, succeeded or dead (default: every job of the queue).")]
    public string? State { get; init; }

    public override ValidationResult Validate()
    {
        var queue = base.Validate();
        return !queue.Successful ? queue
            : State is not null && QueueStore.ParseState(State) is null ? ValidationResult.Error($"--state: '{State}' is not one of {QueueStore.StateWords}.")
            : ValidationResult.Success();
    }
}

/// <summary><c>slipway queue retry QUEUE [ID…]</c>: dead jobs back to ready with all their attempts (<see cref="IQueueEngine.ReplayAsync"/>).</summary>
public sealed class QueueRetryCommand(IAnsiConsole console, TimeProvider time) : AsyncCommand<QueueRetrySettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, QueueRetrySettings settings, CancellationToken cancellationToken) =>
        QueueAdmin.RunAsync(console, time, settings, settings.Ids, idsRequired: false, "retried",
            (engine, ids) => engine.ReplayAsync(settings.Queue, ids, cancellationToken),
            n => n == 0 ? $"no dead jobs to retry in {settings.Queue}" : $"{Jobs(n)} of {settings.Queue} ready again",
            cancellationToken);

    internal static string Jobs(int n) => n == 1 ? "1 job" : $"{n.ToString(System.Globalization.CultureInfo.InvariantCulture)} jobs";
}

/// <summary><c>slipway queue delete QUEUE ID…</c>: <see cref="IQueueEngine.DeleteAsync"/>.</summary>
public sealed class QueueDeleteCommand(IAnsiConsole console, TimeProvider time) : AsyncCommand<QueueDeleteSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, QueueDeleteSettings settings, CancellationToken cancellationToken) =>
        QueueAdmin.RunAsync(console, time, settings, settings.Ids, idsRequired: true, "deleted",
            (engine, ids) => engine.DeleteAsync(settings.Queue, ids!, cancellationToken),
            n => $"{QueueRetryCommand.Jobs(n)} deleted from {settings.Queue}",
            cancellationToken);
}

/// <summary><c>slipway queue purge QUEUE [--state S]</c>: <see cref="IQueueEngine.PurgeAsync"/>.</summary>
public sealed class QueuePurgeCommand(IAnsiConsole console, TimeProvider time) : AsyncCommand<QueuePurgeSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, QueuePurgeSettings settings, CancellationToken cancellationToken) =>
        QueueAdmin.RunAsync(console, time, settings, [], idsRequired: false, "purged",
            (engine, _) => engine.PurgeAsync(settings.Queue, QueueStore.ParseState(settings.State), cancellationToken),
            n => $"{QueueRetryCommand.Jobs(n)} purged from {settings.Queue}" + (settings.State is null ? "" : $" ({settings.State.ToLowerInvariant()})"),
            cancellationToken);
}

/// <summary>The shape retry, delete and purge share: load, parse ids, one engine call, print a count.</summary>
internal static class QueueAdmin
{
    public static async Task<int> RunAsync(
        IAnsiConsole console, TimeProvider time, OneQueueSettings settings, IReadOnlyList<string> words, bool idsRequired, string action,
        Func<IQueueEngine, IReadOnlyList<long>?, Task<int>> call, Func<int, string> message, CancellationToken ct)
    {
        var section = QueueSection.Load(console, settings);
        if (section is null)
        {
            return ExitCodes.UsageOrConfig;
        }

        if (!JobIds.TryParse(words, out var ids, out var bad))
        {
            ConsoleText.Error(console, bad);
            return ExitCodes.UsageOrConfig;
        }

        return await QueueStore.RunAsync(console, section, create: false, time, async engine =>
        {
            var count = await call(engine, ids.Count == 0 && !idsRequired ? null : ids);
            if (settings.Json)
            {
                QueueJson.Write(console, new CountRecord(true, settings.Queue, action, count), QueueJson.Admin.CountRecord);
            }
            else
            {
                ConsoleText.Line(console, message(count));
            }

            // Ids that matched nothing are worth a non-zero exit: a script deleting a job that is gone should know.
            if (idsRequired && count < ids.Count)
            {
                ConsoleText.Warning(console, $"{ids.Count - count} of the {ids.Count} ids matched no job in {settings.Queue}.");
                return ExitCodes.CommandFailed;
            }

            return ExitCodes.Success;
        }, ct);
    }
}
