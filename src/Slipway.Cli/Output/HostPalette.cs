namespace Slipway.Cli.Output;

/// <summary>Gives each host a stable ANSI colour so interleaved output stays readable.</summary>
internal static class HostPalette
{
    // Bright foregrounds that read on dark and light terminals; red is kept for failures.
    private static readonly string[] Colours = ["36", "32", "35", "34", "33", "96", "92", "95", "94", "93"];

    public static string ColourFor(int index) => Colours[index % Colours.Length];

    public static string Paint(string text, string colour, bool enabled) =>
        enabled ? "\u001b[" + colour + "m" + text + "\u001b[0m" : text;
}
