using Slipway.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Infrastructure;

/// <summary>
/// The last line of defence: turns an exception that escaped a command into one <c>slipway: error: …</c> line on
/// stderr and an exit code. Users see what went wrong, never a stack trace (set SLIPWAY_DEBUG=1 to get one).
/// </summary>
public static class ErrorReporter
{
    public static int Report(IAnsiConsole console, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(exception);
        switch (exception)
        {
            case OperationCanceledException:
                ConsoleText.Note(console, "Cancelled.", ConsoleText.Yellow);
                return ExitCodes.Cancelled;
            case CommandAppException appException:
                ConsoleText.Error(console, UsageMessage(appException));
                return ExitCodes.UsageOrConfig;
            default:
                ConsoleText.Error(console, $"{exception.Message}");
                if (Environment.GetEnvironmentVariable("SLIPWAY_DEBUG") == "1")
                {
                    ConsoleText.Note(console, exception.ToString());
                }
                else
                {
                    ConsoleText.Note(console, "(an unexpected error; run with SLIPWAY_DEBUG=1 to see where it came from)");
                }

                return ExitCodes.CommandFailed;
        }
    }

    /// <summary>Spectre's message in our words: "unexpected argument 'x'", lower case, no final full stop.</summary>
    public static string UsageMessage(CommandAppException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var message = exception.Message.Trim();
        const string NoMatch = "Could not match '";
        if (message.StartsWith(NoMatch, StringComparison.Ordinal) && message.IndexOf('\'', NoMatch.Length) is var end and > 0)
        {
            return $"unexpected argument '{message[NoMatch.Length..end]}'";
        }

        if (message.Length > 1 && char.IsUpper(message[0]) && char.IsLower(message[1]))
        {
            message = char.ToLowerInvariant(message[0]) + message[1..];
        }

        return message.EndsWith('.') && !message.EndsWith("..", StringComparison.Ordinal) ? message[..^1] : message;
    }
}
