using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Slipway.Logs.Tracebacks;

/// <summary>The grouping key of a Python traceback and its headline.</summary>
public sealed record TracebackInfo(string Fingerprint, string ExceptionType, string Title, int FrameCount);

/// <summary>
/// Fingerprints Python tracebacks the way Sentry groups them when there is no SDK: the exception type(s) and, per
/// frame, the file's lower-cased base name and the function. Line numbers, the exception's message and the values
/// in it never count, so the same bug groups together across releases and inputs. Chained tracebacks
/// ("During handling of the above exception…") contribute every part.
/// </summary>
public static partial class TracebackFingerprint
{
    public const string StartMarker = "Traceback (most recent call last):";

    /// <summary>Null when <paramref name="text"/> holds no complete traceback (no frame or no exception line).</summary>
    public static TracebackInfo? Compute(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = text.IndexOf(StartMarker, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var key = new StringBuilder();
        string? lastType = null;
        string? lastLine = null;
        var frames = 0;
        var inTraceback = false;
        foreach (var rawLine in text[start..].Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.StartsWith(StartMarker, StringComparison.Ordinal))
            {
                inTraceback = true;
                continue;
            }

            var frame = FrameLine().Match(line);
            if (frame.Success)
            {
                if (!inTraceback)
                {
                    continue;
                }

                var file = frame.Groups["file"].Value.Replace('\\', '/');
                var baseName = file[(file.LastIndexOf('/') + 1)..].ToLowerInvariant();
                key.Append(baseName).Append(':').Append(frame.Groups["func"].Value).Append('\n');
                frames++;
                continue;
            }

            if (inTraceback && line.Length > 0 && !char.IsWhiteSpace(line[0]))
            {
                var type = ExceptionLine().Match(line);
                if (type.Success)
                {
                    lastType = type.Groups["type"].Value;
                    lastLine = line.Trim();
                    key.Append("type:").Append(lastType).Append('\n');
                    inTraceback = false;
                }
            }
        }

        if (lastType is null || frames == 0)
        {
            return null;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString()));
        var title = lastLine!.Length > 200 ? lastLine[..200] + "…" : lastLine;
        return new TracebackInfo(Convert.ToHexStringLower(hash.AsSpan(0, 8)), lastType, title, frames);
    }

    [GeneratedRegex("""^\s+File "(?<file>[^"]*)", line \d+(?:, in (?<func>.+))?$""", RegexOptions.CultureInvariant)]
    private static partial Regex FrameLine();

    [GeneratedRegex(@"^(?<type>[A-Za-z_][\w.]*)(?::.*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex ExceptionLine();
}
