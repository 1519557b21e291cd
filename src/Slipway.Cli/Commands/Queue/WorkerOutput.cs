using System.Globalization;
using Microsoft.Extensions.Logging;
using Slipway.Cli.Output;
using Slipway.Queue;
using Slipway.Queue.Workers;
using Spectre.Console;

namespace Slipway.Cli.Commands.Queue;

/// <summary>
/// What a worker says, on stderr (its log under a supervisor): one line per job and the library's warnings. Jobs finish
/// on many threads, hence the lock: lines never interleave.
/// </summary>
internal sealed class WorkerOutput(IAnsiConsole console, string prefix = "slipway worker: ") : ILogger, ILoggerProvider
{
    private readonly Lock _gate = new();

    public void Note(string text)
    {
        lock (_gate)
        {
            ConsoleText.Note(console, prefix + text);
        }
    }

    public void Warn(string text)
    {
        lock (_gate)
        {
            ConsoleText.Warning(console, text);
        }
    }

    /// <summary>As a provider, every category writes here (<c>queue serve</c> hands it to the library's server).</summary>
    public ILogger CreateLogger(string categoryName) => this;

    public void Dispose()
    {
        // Nothing to release: the console is the command's.
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var text = formatter(state, exception) + (exception is null ? "" : ": " + exception.Message);
        lock (_gate)
        {
            if (logLevel >= LogLevel.Warning)
            {
                ConsoleText.Warning(console, text);
            }
            else
            {
                ConsoleText.Note(console, prefix + text);
            }
        }
    }
}

/// <summary>
/// Says when a job succeeded and how long it took; failures are told by the worker, with what the queue did about them.
/// A failure's message gets the last line of the job's output (<c>exit code 3: cannot reach smtp</c>), so the worker's
/// log, <c>queue peek</c>'s list and the dead-letter list say why without opening the whole output.
/// </summary>
internal sealed class ReportingHandler(IJobHandler inner, WorkerOutput output, TimeProvider time) : IJobHandler
{
    private const int ReasonLength = 200;

    public async Task<JobResult> HandleAsync(LeasedJob job, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var result = await inner.HandleAsync(job, ct);
        if (result.Succeeded)
        {
            var seconds = time.GetElapsedTime(started).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
            output.Note($"job {job.Id.ToString(CultureInfo.InvariantCulture)} attempt {job.AttemptsUsed.ToString(CultureInfo.InvariantCulture)} succeeded in {seconds}s");
            return result;
        }

        return LastLine(result.Output) is { } reason ? result with { Error = $"{result.Error}: {reason}" } : result;
    }

    internal static string? LastLine(string? text)
    {
        var line = text?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        return string.IsNullOrEmpty(line) ? null : line.Length <= ReasonLength ? line : line[..(ReasonLength - 1)] + "…";
    }
}
