using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Slipway.Core.Config.Internal;

/// <summary>Writes a <see cref="PrintMap"/> tree as block-style YAML that reads back to the same values. Pure.</summary>
internal static partial class YamlTreeWriter
{
    public static string Write(PrintMap map)
    {
        var sb = new StringBuilder();
        WriteMap(sb, map, 0);
        return sb.ToString();
    }

    private static void WriteMap(StringBuilder sb, PrintMap map, int indent, bool firstInline = false)
    {
        var first = true;
        foreach (var (key, value) in map)
        {
            if (!(first && firstInline))
            {
                sb.Append(' ', indent);
            }

            first = false;
            sb.Append(Scalar(key)).Append(':');
            WriteValue(sb, value, indent);
        }
    }

    /// <summary>Writes what follows "key:" or "-": inline for scalars and empty collections, else on the next lines.</summary>
    private static void WriteValue(StringBuilder sb, object? value, int indent)
    {
        switch (value)
        {
            case PrintMap { Count: > 0 } nested:
                sb.Append('\n');
                WriteMap(sb, nested, indent + 2);
                break;
            case PrintMap:
                sb.Append(" {}\n");
                break;
            case List<object?> { Count: > 0 } list:
                sb.Append('\n');
                foreach (var item in list)
                {
                    sb.Append(' ', indent + 2).Append('-');
                    if (item is PrintMap { Count: > 0 } itemMap)
                    {
                        sb.Append(' ');
                        WriteMap(sb, itemMap, indent + 4, firstInline: true);
                    }
                    else
                    {
                        WriteValue(sb, item, indent + 2);
                    }
                }

                break;
            case List<object?>:
                sb.Append(" []\n");
                break;
            default:
                sb.Append(' ').Append(Scalar(value)).Append('\n');
                break;
        }
    }

    internal static string Scalar(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        int or long => ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture),
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        string s when SafePlain().IsMatch(s) && !Reserved(s) => s,
        _ => Quote(value.ToString() ?? ""),
    };

    // Words a YAML 1.1 or 1.2 reader would take as null, boolean or number if left unquoted.
    private static bool Reserved(string s) =>
        s.ToLowerInvariant() is "null" or "true" or "false" or "yes" or "no" or "on" or "off" or "y" or "n" ||
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            _ = c switch
            {
                '"' => sb.Append("\\\""),
                '\\' => sb.Append("\\\\"),
                '\n' => sb.Append("\\n"),
                '\t' => sb.Append("\\t"),
                _ when char.IsControl(c) => sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => sb.Append(c),
            };
        }

        return sb.Append('"').ToString();
    }

    [GeneratedRegex(@"^[A-Za-z0-9_./~+][A-Za-z0-9_./~@+=-]*$")]
    private static partial Regex SafePlain();
}
