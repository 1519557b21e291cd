using Slipway.Cli.Infrastructure;
using Spectre.Console;

namespace Slipway.Cli.Output;

/// <summary>
/// Plain lines to the console, never wrapped or re-flowed (scripts and editors parse them), coloured only when the
/// console supports colour. Spectre markup is kept for help and tables; messages go through here.
/// <see cref="Line"/> writes results (stdout); <see cref="Error"/>, <see cref="Warning"/> and <see cref="Note"/> write
/// diagnostics (stderr), every error in one format: <c>slipway: error: …</c>.
/// </summary>
internal static class ConsoleText
{
    public const string Red = "31";
    public const string Green = "32";
    public const string Yellow = "33";

    public const string ErrorPrefix = "slipway: error:";

    public static bool ColourEnabled(IAnsiConsole console) =>
        console.Profile.Capabilities.Ansi && console.Profile.Capabilities.ColorSystem != ColorSystem.NoColors;

    public static void Line(IAnsiConsole console, string text, string? colour = null)
    {
        var writer = console.Profile.Out.Writer;
        writer.Write(colour is null ? text : HostPalette.Paint(text, colour, ColourEnabled(console)));
        writer.Write('\n');
        writer.Flush();
    }

    /// <summary>"slipway: error:" in red, then the message, on the diagnostics stream.</summary>
    public static void Error(IAnsiConsole console, string message)
    {
        var diagnostics = CliConsole.DiagnosticsOf(console);
        Line(diagnostics, HostPalette.Paint(ErrorPrefix, Red, ColourEnabled(diagnostics)) + " " + message);
    }

    /// <summary>"slipway: warning:" in yellow, then the message, on the diagnostics stream.</summary>
    public static void Warning(IAnsiConsole console, string message)
    {
        var diagnostics = CliConsole.DiagnosticsOf(console);
        Line(diagnostics, HostPalette.Paint("slipway: warning:", Yellow, ColourEnabled(diagnostics)) + " " + message);
    }

    /// <summary>A line for the person at the terminal, not for whoever reads the results: on the diagnostics stream.</summary>
    public static void Note(IAnsiConsole console, string text, string? colour = null) =>
        Line(CliConsole.DiagnosticsOf(console), text, colour);
}
