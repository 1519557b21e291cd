using System.Globalization;
using System.Text;

namespace Slipway.Supervisor.Config;

/// <summary>
/// An <c>envfile=</c> in systemd EnvironmentFile style: <c>KEY=value</c> lines; blank lines and lines starting
/// with <c>#</c> or <c>;</c> are skipped; an optional <c>export </c> prefix; values in single quotes are literal,
/// in double quotes take backslash escapes (<c>\"</c>, <c>\\</c>, <c>\n</c>, <c>\t</c>, <c>\$</c>) and may span
/// lines; an unquoted value is trimmed and a trailing backslash continues it on the next line.
/// </summary>
public static class EnvFile
{
    /// <summary>Parses the text; a malformed line is a <see cref="FormatException"/> naming its line number.</summary>
    public static List<KeyValuePair<string, string>> Parse(string text)
    {
        var result = new List<KeyValuePair<string, string>>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var lineNumber = i + 1;
            var line = lines[i].TrimStart();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line[7..].TrimStart();
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? line.Trim() : line[..eq].Trim();
            if (eq < 0 || !IsName(key))
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                    $"line {lineNumber}: expected KEY=value, got '{lines[i].Trim()}'"));
            }

            var rest = line[(eq + 1)..].TrimStart();
            var value = new StringBuilder();
            if (rest.StartsWith('\'') || rest.StartsWith('"'))
            {
                var quote = rest[0];
                var pos = 1;
                while (true)
                {
                    if (pos >= rest.Length)
                    {
                        if (i + 1 >= lines.Length)
                        {
                            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"line {lineNumber}: unterminated {quote} quote"));
                        }

                        value.Append('\n');
                        rest = lines[++i];
                        pos = 0;
                        continue;
                    }

                    var c = rest[pos++];
                    if (c == quote)
                    {
                        break;
                    }

                    if (quote == '"' && c == '\\' && pos < rest.Length)
                    {
                        var next = rest[pos++];
                        value.Append(next switch { 'n' => '\n', 't' => '\t', _ => next });
                        continue;
                    }

                    value.Append(c);
                }

                var trailing = rest[pos..].Trim();
                if (trailing.Length > 0 && trailing[0] is not '#' and not ';')
                {
                    throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"line {lineNumber}: text after the closing quote"));
                }
            }
            else
            {
                while (rest.EndsWith('\\') && i + 1 < lines.Length)
                {
                    value.Append(rest.AsSpan(0, rest.Length - 1));
                    rest = lines[++i].TrimStart();
                }

                value.Append(rest.TrimEnd());
            }

            result.Add(new(key, value.ToString()));
        }

        return result;
    }

    /// <summary>Reads the files in order (a later file and a later line win); a missing optional (-) file is skipped.</summary>
    public static List<KeyValuePair<string, string>> Load(IEnumerable<string> files)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var entry in files)
        {
            var optional = entry.StartsWith('-');
            var path = optional ? entry[1..] : entry;
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (optional && e is FileNotFoundException or DirectoryNotFoundException)
                {
                    continue;
                }

                throw new FormatException($"envfile {path}: " + (e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message));
            }

            try
            {
                result.AddRange(Parse(text));
            }
            catch (FormatException e)
            {
                throw new FormatException($"envfile {path} {e.Message}");
            }
        }

        return result;
    }

    private static bool IsName(string key) =>
        key.Length > 0 && (char.IsAsciiLetter(key[0]) || key[0] == '_') && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
