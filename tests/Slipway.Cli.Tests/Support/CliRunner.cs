using Spectre.Console;

namespace Slipway.Cli.Tests.Support;

/// <summary>Runs the whole CLI in-process against a plain-text console of fixed width.</summary>
internal static class CliRunner
{
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var writer = new StringWriter { NewLine = "\n" };
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 100;
        var exitCode = await SlipwayApp.RunAsync(args, console, TestContext.Current.CancellationToken);
        return (exitCode, writer.ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
    }
}
