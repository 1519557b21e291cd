using System.Text.Json;
using Spectre.Console;

namespace Slipway.Cli.Output;

/// <summary>
/// The JSON document of a <c>--json</c> run that failed before its command printed its own (bad config, bad usage,
/// no such stage…): <c>{"ok": false, "exit_code": 2, "errors": ["…"]}</c>. The same lines went to stderr as text.
/// </summary>
internal static class JsonFailure
{
    public static void Write(IAnsiConsole console, int exitCode, string diagnostics)
    {
        var errors = diagnostics.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(StripColour)
            .ToList();
        var writer = console.Profile.Out.Writer;
        writer.Write(JsonSerializer.Serialize(new JsonFailureRecord(false, exitCode, errors), CliJsonContext.Default.JsonFailureRecord));
        writer.Write('\n');
        writer.Flush();
    }

    private static string StripColour(string line) => System.Text.RegularExpressions.Regex.Replace(line, "\u001b\\[[0-9;]*m", "");
}

internal sealed record JsonFailureRecord(bool Ok, int ExitCode, IReadOnlyList<string> Errors);
