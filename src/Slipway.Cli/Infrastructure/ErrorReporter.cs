using Slipway.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Infrastructure;

/// <summary>
/// The last line of defence: turns an exception that escaped a command into a plain message and an exit code.
/// Users see what went wrong, never a stack trace (set SLIPWAY_DEBUG=1 to get one).
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
                ConsoleText.Line(console, "Cancelled.", ConsoleText.Yellow);
                return ExitCodes.Cancelled;
            case CommandAppException appException when appException.Pretty is { } pretty:
                console.Write(pretty);
                return ExitCodes.UsageOrConfig;
            case CommandAppException appException:
                ConsoleText.Error(console, $"{appException.Message}");
                return ExitCodes.UsageOrConfig;
            default:
                ConsoleText.Error(console, $"{exception.Message}");
                if (Environment.GetEnvironmentVariable("SLIPWAY_DEBUG") == "1")
                {
                    console.WriteLine(exception.ToString());
                }
                else
                {
                    ConsoleText.Line(console, "(an unexpected error; run with SLIPWAY_DEBUG=1 to see where it came from)");
                }

                return ExitCodes.CommandFailed;
        }
    }
}
