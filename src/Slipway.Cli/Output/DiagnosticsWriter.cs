using Slipway.Core.Config;
using Spectre.Console;

namespace Slipway.Cli.Output;

/// <summary>Prints config diagnostics one per line, compiler style, so editors and CI can jump to them (on stderr).</summary>
internal static class DiagnosticsWriter
{
    public static void Write(IAnsiConsole console, IEnumerable<ConfigDiagnostic> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            var colour = diagnostic.Severity == DiagnosticSeverity.Error ? ConsoleText.Red : ConsoleText.Yellow;
            ConsoleText.Note(console, diagnostic.ToString(), colour);
        }
    }
}
