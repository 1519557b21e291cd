using System.Data.Common;
using Slipway.Cli.Output;
using Slipway.Queue;
using Spectre.Console;

namespace Slipway.Cli.Commands.Queue;

/// <summary>Opens the queue store for one command and turns the store's failures into a message and an exit code.</summary>
internal static class QueueStore
{
    /// <summary>
    /// Runs <paramref name="body"/> on the initialised engine. Only <paramref name="create"/> commands (push, worker) may
    /// create a SQLite file: a reading command with a mistyped URL must not look like an empty queue.
    /// </summary>
    public static async Task<int> RunAsync(
        IAnsiConsole console, QueueSection section, bool create, TimeProvider time, Func<IQueueEngine, Task<int>> body, CancellationToken ct)
    {
        if (!create && QueueEngineFactory.SqliteFile(section.Url) is { } file && !File.Exists(file))
        {
            ConsoleText.Error(console, $"no queue at {file}: nothing was pushed there yet (check --url or queue.url in slipway.yml).");
            return ExitCodes.UsageOrConfig;
        }

        try
        {
            await using var engine = QueueEngineFactory.Open(section.Url, section.EngineOptions(), time);
            await engine.InitializeAsync(ct);
            return await body(engine);
        }
        catch (QueueUnavailableException e)
        {
            ConsoleText.Error(console, $"{section.ShownUrl}: {e.Message}");
            return ExitCodes.ConnectionFailed;
        }
        catch (QueueException e)
        {
            ConsoleText.Error(console, $"{section.ShownUrl}: {e.Message}");
            return ExitCodes.UsageOrConfig;
        }
        catch (DbException e)
        {
            ConsoleText.Error(console, $"{section.ShownUrl}: {e.Message}");
            return ExitCodes.ConnectionFailed;
        }
    }

    /// <summary>"ready", "running", "succeeded", "dead" (what the commands print and take; the HTTP API's words too).</summary>
    public static string Name(JobState state) => Slipway.Queue.Admin.JobStates.Name(state);

    public const string StateWords = Slipway.Queue.Admin.JobStates.Words;

    public static JobState? ParseState(string? word) => Slipway.Queue.Admin.JobStates.Parse(word);
}
