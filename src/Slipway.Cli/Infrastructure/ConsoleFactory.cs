using Spectre.Console;

namespace Slipway.Cli.Infrastructure;

/// <summary>
/// Builds the console all output goes through: results on stdout, diagnostics on stderr (<see cref="CliConsole"/>).
/// Colour is decided before parsing because parse errors are printed too: <c>--no-color</c> or <c>--json</c> anywhere
/// on the line, or <c>NO_COLOR</c> set (https://no-color.org), turns it off; each stream is also checked on its own.
/// </summary>
public static class ConsoleFactory
{
    public static CliConsole Create(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var noColor = WantsNoColor(args, environment);
        return new CliConsole(Stream(Console.Out, noColor), Stream(Console.Error, noColor));
    }

    private static IAnsiConsole Stream(TextWriter writer, bool noColor) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = noColor ? AnsiSupport.No : AnsiSupport.Detect,
        ColorSystem = noColor ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        Out = new AnsiConsoleOutput(writer),
    });

    public static bool WantsNoColor(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        return HasFlag(args, "--no-color") || WantsJson(args) || !string.IsNullOrEmpty(environment("NO_COLOR"));
    }

    /// <summary>Whether <c>--json</c> is among slipway's own arguments (not the remote command's, after <c>--</c>).</summary>
    public static bool WantsJson(IReadOnlyList<string> args) => HasFlag(args, "--json");

    private static bool HasFlag(IReadOnlyList<string> args, string flag)
    {
        ArgumentNullException.ThrowIfNull(args);
        foreach (var arg in args)
        {
            if (arg == "--")
            {
                break; // everything after belongs to the remote command
            }

            if (arg == flag)
            {
                return true;
            }
        }

        return false;
    }
}
