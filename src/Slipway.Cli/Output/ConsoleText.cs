using Spectre.Console;

namespace Slipway.Cli.Output;

/// <summary>
/// Plain lines to the console, never wrapped or re-flowed (scripts and editors parse them), coloured only when the
/// console supports colour. Spectre markup is kept for help and tables; messages go through here.
/// </summary>
internal static class ConsoleText
{
    public const string Red = "31";
    public const string Green = "32";
    public const string Yellow = "33";

    public static bool ColourEnabled(IAnsiConsole console) =>
        console.Profile.Capabilities.Ansi && console.Profile.Capabilities.ColorSystem != ColorSystem.NoColors;

    public static void Line(IAnsiConsole console, string text, string? colour = null)
    {
        var writer = console.Profile.Out.Writer;
        writer.Write(colour is null ? text : HostPalette.Paint(text, colour, ColourEnabled(console)));
        writer.Write('\n');
        writer.Flush();
    }

    /// <summary>"Error: " in red, then the message.</summary>
    public static void Error(IAnsiConsole console, string message) =>
        Line(console, HostPalette.Paint("Error:", Red, ColourEnabled(console)) + " " + message);
}
