using Slipway.Cli;
using Spectre.Console;

namespace Slipway.IntegrationTests.Cli;

/// <summary>Runs the whole CLI in-process against a plain-text console.</summary>
internal static class CliRunner
{
    public static async Task<(int ExitCode, string Output)> RunAsync(CancellationToken ct, params string[] args)
    {
        var writer = new StringWriter { NewLine = "\n" };
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;
        var exitCode = await SlipwayApp.RunAsync(args, console, ct);
        return (exitCode, writer.ToString());
    }
}
