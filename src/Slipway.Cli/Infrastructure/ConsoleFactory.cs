using Spectre.Console;

namespace Slipway.Cli.Infrastructure;

/// <summary>
/// Builds the one console all output goes through. Colour is decided before parsing because parse errors are
/// printed too: <c>--no-color</c> anywhere on the line, or <c>NO_COLOR</c> set (https://no-color.org), turns it off.
/// </summary>
public static class ConsoleFactory
{
    public static IAnsiConsole Create(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var noColor = WantsNoColor(args, environment);
        return AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = noColor ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = noColor ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Out = new AnsiConsoleOutput(Console.Out),
        });
    }

    public static bool WantsNoColor(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        foreach (var arg in args)
        {
            if (arg == "--")
            {
                break; // everything after belongs to the remote command
            }

            if (arg is "--no-color" or "--json")
            {
                return true;
            }
        }

        return !string.IsNullOrEmpty(environment("NO_COLOR"));
    }
}
