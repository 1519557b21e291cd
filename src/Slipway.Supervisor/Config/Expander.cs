using System.Globalization;
using System.Text;

namespace Slipway.Supervisor.Config;

/// <summary>
/// supervisord's <c>%(name)s</c> expansion (Python %-formatting against a dictionary): <c>%%</c> is a literal
/// percent, <c>%(name)[flags][width](s|d|i)</c> inserts a value (<c>%(process_num)02d</c>), an unknown name is an error.
/// </summary>
public static class Expander
{
    public static string Expand(string text, IReadOnlyDictionary<string, string> names, Func<string, Exception> error)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(error);
        if (!text.Contains('%', StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c != '%')
            {
                result.Append(c);
                i++;
                continue;
            }

            if (i + 1 < text.Length && text[i + 1] == '%')
            {
                result.Append('%');
                i += 2;
                continue;
            }

            if (i + 1 >= text.Length || text[i + 1] != '(')
            {
                throw error($"'{text}' has a '%' that is not '%%' nor '%(name)s'");
            }

            var close = text.IndexOf(')', i + 2);
            if (close < 0)
            {
                throw error($"'{text}' has an unterminated '%('");
            }

            var name = text[(i + 2)..close];
            var j = close + 1;
            var flags = "";
            while (j < text.Length && (text[j] == '0' || text[j] == '-' || text[j] == ' ' || text[j] == '+'))
            {
                flags += text[j];
                j++;
            }

            var widthStart = j;
            while (j < text.Length && char.IsAsciiDigit(text[j]))
            {
                j++;
            }

            var width = j > widthStart ? int.Parse(text[widthStart..j], CultureInfo.InvariantCulture) : 0;
            if (j >= text.Length || "sdir".IndexOf(text[j], StringComparison.Ordinal) < 0)
            {
                throw error($"'{text}' has an unsupported conversion after '%({name})'");
            }

            var conversion = text[j];
            if (!names.TryGetValue(name, out var value))
            {
                var available = string.Join(", ", names.Keys.Order(StringComparer.Ordinal));
                throw error($"'{text}' contains name '{name}' which cannot be expanded. Available names: {available}");
            }

            if (conversion is 'd' or 'i')
            {
                if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
                {
                    throw error($"'{text}': %({name}){conversion} needs a number, '{value}' is not one");
                }

                value = number.ToString(CultureInfo.InvariantCulture);
            }

            result.Append(Pad(value, width, flags, conversion != 's' && conversion != 'r'));
            i = j + 1;
        }

        return result.ToString();
    }

    private static string Pad(string value, int width, string flags, bool numeric)
    {
        if (value.Length >= width)
        {
            return value;
        }

        if (flags.Contains('-', StringComparison.Ordinal))
        {
            return value.PadRight(width);
        }

        if (numeric && flags.Contains('0', StringComparison.Ordinal))
        {
            return value.StartsWith('-') ? "-" + value[1..].PadLeft(width - 1, '0') : value.PadLeft(width, '0');
        }

        return value.PadLeft(width);
    }
}
