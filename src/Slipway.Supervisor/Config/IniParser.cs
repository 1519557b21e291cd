namespace Slipway.Supervisor.Config;

/// <summary>
/// The ini dialect supervisord reads (Python's RawConfigParser with strict=False and inline comments):
/// <c>key = value</c> or <c>key: value</c>, keys lower-cased, <c>;</c>/<c>#</c> full-line comments, inline
/// comments only after whitespace, indented lines continue the previous value, repeated keys and sections
/// allowed (the last key wins).
/// </summary>
public static class IniParser
{
    public static IniDocument ParseFile(string path) => Parse(File.ReadAllText(path), path, new IniDocument());

    public static IniDocument Parse(string text, string file, IniDocument into)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(into);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        IniSection? section = null;
        string? key = null;
        var keyLine = 0;
        var value = new List<string>();

        void Flush()
        {
            if (section is not null && key is not null)
            {
                while (value.Count > 1 && value[^1].Length == 0)
                {
                    value.RemoveAt(value.Count - 1);
                }

                section.Set(new IniOption(key, string.Join('\n', value), file, keyLine));
            }

            key = null;
            value.Clear();
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var raw = lines[i];
            var lineNo = i + 1;
            var trimmed = raw.Trim();
            if (trimmed.StartsWith(';') || trimmed.StartsWith('#'))
            {
                continue;
            }

            var stripped = StripInlineComment(raw);
            var isIndented = raw.Length > 0 && char.IsWhiteSpace(raw[0]);
            if (stripped.Trim().Length == 0)
            {
                if (key is not null)
                {
                    value.Add(""); // empty lines inside a value are kept (trailing ones dropped on flush)
                }

                continue;
            }

            if (isIndented && key is not null)
            {
                value.Add(stripped.Trim());
                continue;
            }

            var content = stripped.Trim();
            if (content.StartsWith('[') && content.Contains(']', StringComparison.Ordinal))
            {
                Flush();
                var name = content[1..content.IndexOf(']', StringComparison.Ordinal)];
                section = into.GetOrAdd(name, file, lineNo);
                continue;
            }

            if (section is null)
            {
                throw new ConfigException($"{file}:{lineNo}: file contains no section headers: '{trimmed}'");
            }

            Flush();
            var separator = content.IndexOfAny(['=', ':']);
            if (separator <= 0)
            {
                throw new ConfigException($"{file}:{lineNo}: [{section.Name}]: expected 'key = value', found '{trimmed}'");
            }

            key = content[..separator].Trim().ToLowerInvariant();
            keyLine = lineNo;
            value.Add(content[(separator + 1)..].Trim());
        }

        Flush();
        return into;
    }

    /// <summary>Removes an inline <c>;</c> or <c>#</c> comment: only one preceded by whitespace counts.</summary>
    internal static string StripInlineComment(string line)
    {
        for (var i = 1; i < line.Length; i++)
        {
            if ((line[i] == ';' || line[i] == '#') && char.IsWhiteSpace(line[i - 1]))
            {
                return line[..i];
            }
        }

        return line;
    }
}
