using System.Globalization;
using System.Text;

namespace Slipway.Monitor.Tests.Web;

/// <summary>
/// A strict reader of the Prometheus text exposition format 0.0.4, written from its specification: HELP and TYPE
/// lines, samples <c>name{label="value",…} number</c> with <c>\\</c>, <c>\"</c> and <c>\n</c> escapes in label values.
/// Throws on anything a scraper would reject: a bad name, a bad escape, a sample before its TYPE, a family split in two,
/// a series twice.
/// </summary>
internal static class ExpositionParser
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public sealed record Exposition(IReadOnlyDictionary<string, string> Types, IReadOnlyDictionary<string, string> Help, IReadOnlyList<Sample> Samples);

    public static Exposition Parse(string text)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var help = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<Sample>();
        var series = new HashSet<string>(StringComparer.Ordinal);
        var closed = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            throw new FormatException("the last line must end with a line feed");
        }

        foreach (var line in text.Split('\n').SkipLast(1))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var rest = line[7..];
                var space = rest.IndexOf(' ', StringComparison.Ordinal);
                var name = space < 0 ? rest : rest[..space];
                CheckName(name);
                Enter(name);
                if (line[2] == 'T')
                {
                    var type = rest[(space + 1)..];
                    if (type is not ("counter" or "gauge" or "histogram" or "summary" or "untyped") || !types.TryAdd(name, type))
                    {
                        throw new FormatException($"bad or second TYPE: {line}");
                    }

                    if (samples.Any(s => s.Name == name))
                    {
                        throw new FormatException($"TYPE after samples: {line}");
                    }
                }
                else if (!help.TryAdd(name, Unescape(rest[(space + 1)..], help: true)))
                {
                    throw new FormatException($"second HELP: {line}");
                }

                continue;
            }

            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }

            var sample = ParseSample(line);
            Enter(sample.Name);
            if (!series.Add(sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value))))
            {
                throw new FormatException($"series twice: {line}");
            }

            samples.Add(sample);
        }

        return new Exposition(types, help, samples);

        void Enter(string name)
        {
            if (current == name)
            {
                return;
            }

            if (current is not null)
            {
                closed.Add(current);
            }

            if (closed.Contains(name))
            {
                throw new FormatException($"family {name} is split in two");
            }

            current = name;
        }
    }

    private static Sample ParseSample(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] is not ('{' or ' '))
        {
            i++;
        }

        var name = line[..i];
        CheckName(name);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                var label = line[i..eq];
                CheckName(label);
                if (line[eq + 1] != '"')
                {
                    throw new FormatException($"label value not quoted: {line}");
                }

                var sb = new StringBuilder();
                var j = eq + 2;
                for (; line[j] != '"'; j++)
                {
                    if (line[j] == '\\')
                    {
                        j++;
                        sb.Append(line[j] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            _ => throw new FormatException($"bad escape \\{line[j]}: {line}"),
                        });
                    }
                    else
                    {
                        sb.Append(line[j]);
                    }
                }

                if (!labels.TryAdd(label, sb.ToString()))
                {
                    throw new FormatException($"label twice: {line}");
                }

                i = j + 1;
                if (line[i] == ',')
                {
                    i++;
                }
            }

            i++;
        }

        if (line[i] != ' ')
        {
            throw new FormatException($"no space before the value: {line}");
        }

        var value = line[(i + 1)..];
        var number = value switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new Sample(name, labels, number);
    }

    private static void CheckName(string name)
    {
        if (name.Length == 0 || char.IsDigit(name[0]) || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or ':')))
        {
            throw new FormatException($"bad name '{name}'");
        }
    }

    private static string Unescape(string text, bool help) =>
        help ? text.Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal) : text;
}
