using System.Globalization;
using System.Text;

namespace Slipway.Monitor.Plugins;

/// <summary>
/// Turns a plugin's exit code and standard output into a <see cref="CheckResult"/>, as the plugin API defines them:
/// the exit code decides the state (0..3, anything else UNKNOWN); the first line is <c>TEXT | PERFDATA</c>; later lines
/// are long output, and from the first later line holding a <c>|</c> on, the rest of that line and every line after it
/// are more perfdata. Output that is no plugin output at all (nothing, or binary bytes) is UNKNOWN with the text kept.
/// Perfdata that breaks the grammar leaves the state alone (graphs are not health) and is kept in
/// <see cref="CheckResult.UnparsedPerfData"/>.
/// </summary>
public static class PluginOutputParser
{
    public static CheckResult Parse(int exitCode, string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var text = stdout.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n');
        if (text.Trim().Length == 0)
        {
            return CheckResult.Unknown($"(no output from the plugin, exit code {exitCode})") with { ExitCode = exitCode };
        }

        if (LooksBinary(text))
        {
            return CheckResult.Unknown("(the plugin's output is not text) " + Printable(text)) with { ExitCode = exitCode };
        }

        var lines = text.Split('\n');
        var (firstText, firstPerf) = SplitPipe(lines[0]);
        var perfParts = new List<string>();
        if (firstPerf is not null)
        {
            perfParts.Add(firstPerf);
        }

        var longLines = new List<string>();
        var inPerf = false;
        foreach (var line in lines.Skip(1))
        {
            if (inPerf)
            {
                perfParts.Add(line);
                continue;
            }

            var (lineText, linePerf) = SplitPipe(line);
            longLines.Add(lineText);
            if (linePerf is not null)
            {
                perfParts.Add(linePerf);
                inPerf = true;
            }
        }

        var parsed = PerfDataParser.Parse(string.Join(' ', perfParts));
        var state = ServiceStates.FromExitCode(exitCode);
        var output = firstText.Trim();
        if (exitCode is < 0 or > 3)
        {
            output = string.Create(CultureInfo.InvariantCulture,
                $"(exit code {exitCode} is out of bounds, 0..3 expected; plugin missing or broken?) {output}").TrimEnd();
        }

        return new CheckResult
        {
            State = state,
            Output = output,
            LongOutput = string.Join('\n', longLines).TrimEnd(),
            PerfData = parsed.Data,
            UnparsedPerfData = parsed.Unparsed.Count == 0 ? null : string.Join(' ', parsed.Unparsed),
            ExitCode = exitCode,
        };
    }

    private static (string Text, string? Perf) SplitPipe(string line)
    {
        var pipe = line.IndexOf('|', StringComparison.Ordinal);
        return pipe < 0 ? (line, null) : (line[..pipe], line[(pipe + 1)..]);
    }

    /// <summary>NUL, other control characters than tab, or undecodable bytes (U+FFFD after UTF-8 decoding).</summary>
    private static bool LooksBinary(string text)
    {
        var bad = 0;
        foreach (var c in text)
        {
            if (c == '\0')
            {
                return true;
            }

            if ((char.IsControl(c) && c is not '\t' and not '\n' and not '\r') || c == '\uFFFD')
            {
                bad++;
            }
        }

        // A stray escape or a mis-encoded letter in otherwise readable text is still text.
        return bad > 0 && bad * 10 > text.Length;
    }

    /// <summary>The text with control characters escaped, cut to a length an alert line can carry.</summary>
    internal static string Printable(string text, int max = 1024)
    {
        var builder = new StringBuilder();
        foreach (var c in text.Length > max ? text[..max] : text)
        {
            if (char.IsControl(c) && c != '\n' && c != '\t')
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return text.Length > max ? builder.Append('…').ToString() : builder.ToString();
    }
}
