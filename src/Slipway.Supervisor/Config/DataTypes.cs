using System.Globalization;
using System.Text;

namespace Slipway.Supervisor.Config;

/// <summary>supervisord's option datatypes (datatypes.py): booleans, sizes, signals, octal modes, exit codes, environment.</summary>
public static class DataTypes
{
    public static bool Boolean(string value) => value.ToLowerInvariant() switch
    {
        "yes" or "true" or "on" or "1" => true,
        "no" or "false" or "off" or "0" => false,
        _ => throw new FormatException($"not a valid boolean value: '{value}'"),
    };

    public static int WholeNumber(string value) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new FormatException($"not an integer: '{value}'");

    public static int NonNegative(string value)
    {
        var number = WholeNumber(value);
        return number >= 0 ? number : throw new FormatException($"value {value} is not a non-negative integer");
    }

    /// <summary><c>50MB</c>, <c>1KB</c>, <c>1GB</c> (base 1024) or a plain byte count.</summary>
    public static long ByteSize(string value)
    {
        var text = value.Trim().ToUpperInvariant();
        long multiplier = 1;
        foreach (var (suffix, factor) in new[] { ("KB", 1024L), ("MB", 1024L * 1024), ("GB", 1024L * 1024 * 1024) })
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal))
            {
                text = text[..^2];
                multiplier = factor;
                break;
            }
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number * multiplier
            : throw new FormatException($"value '{value}' is not a byte size (like 50MB, 1KB or 1024)");
    }

    /// <summary>An octal mode or umask such as <c>022</c> or <c>0700</c>.</summary>
    public static int Octal(string value)
    {
        try
        {
            return Convert.ToInt32(value, 8);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            throw new FormatException($"'{value}' can not be converted to an octal type", e);
        }
    }

    public static IReadOnlyList<int> ExitCodes(string value)
    {
        var codes = new List<int>();
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            codes.Add(WholeNumber(part));
        }

        return codes;
    }

    private static readonly Dictionary<string, int> SignalNumbers = new(StringComparer.Ordinal)
    {
        ["HUP"] = 1, ["INT"] = 2, ["QUIT"] = 3, ["ILL"] = 4, ["TRAP"] = 5, ["ABRT"] = 6, ["IOT"] = 6, ["BUS"] = 7, ["FPE"] = 8,
        ["KILL"] = 9, ["USR1"] = 10, ["SEGV"] = 11, ["USR2"] = 12, ["PIPE"] = 13, ["ALRM"] = 14, ["TERM"] = 15,
        ["STKFLT"] = 16, ["CHLD"] = 17, ["CONT"] = 18, ["STOP"] = 19, ["TSTP"] = 20, ["TTIN"] = 21, ["TTOU"] = 22,
        ["URG"] = 23, ["XCPU"] = 24, ["XFSZ"] = 25, ["VTALRM"] = 26, ["PROF"] = 27, ["WINCH"] = 28, ["IO"] = 29,
        ["POLL"] = 29, ["PWR"] = 30, ["SYS"] = 31,
    };

    /// <summary>A signal by name (<c>TERM</c>, <c>SIGTERM</c>) or number.</summary>
    public static int Signal(string value)
    {
        var text = value.Trim();
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number is >= 1 and <= 64 ? number : throw new FormatException($"value '{value}' is not a valid signal number");
        }

        var name = text.ToUpperInvariant();
        if (name.StartsWith("SIG", StringComparison.Ordinal))
        {
            name = name[3..];
        }

        return SignalNumbers.TryGetValue(name, out number) ? number : throw new FormatException($"value '{value}' is not a valid signal name");
    }

    public static string SignalName(int number)
    {
        foreach (var (name, n) in SignalNumbers)
        {
            if (n == number && name is not "IOT" and not "POLL")
            {
                return "SIG" + name;
            }
        }

        return "signal " + number.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary><c>host:port</c>, <c>*:port</c>, <c>:port</c> or <c>port</c>; an empty host means all interfaces.</summary>
    public static (string Host, int Port) InetAddress(string value)
    {
        var text = value.Trim();
        var colon = text.LastIndexOf(':');
        var host = colon < 0 ? "" : text[..colon];
        var portText = colon < 0 ? text : text[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new FormatException($"'{value}' is not a valid port (host:port, *:port or port)");
        }

        return (host == "*" ? "" : host, port);
    }

    /// <summary>
    /// <c>KEY="value",KEY2=value2</c>, split the way supervisord does (a POSIX shlex over commas and '='), so
    /// quoted values may contain commas, spaces and '='.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Environment(string value)
    {
        var tokens = ShellWords(value, splitOn: c => c is ',' or '=', keepSeparators: true);
        var result = new List<KeyValuePair<string, string>>();
        var i = 0;
        while (i < tokens.Count)
        {
            if (tokens[i] == ",")
            {
                i++;
                continue;
            }

            if (i + 2 > tokens.Count || tokens[i + 1] != "=")
            {
                throw new FormatException($"unexpected end of key/value pairs in value '{value}'");
            }

            var key = tokens[i];
            var val = i + 2 < tokens.Count && tokens[i + 2] != "," ? tokens[i + 2] : "";
            result.Add(new(key, val));
            i += val.Length == 0 && (i + 2 >= tokens.Count || tokens[i + 2] == ",") ? 2 : 3;
        }

        return result;
    }

    /// <summary>A POSIX shlex split of a command line: quotes, backslashes, whitespace-separated words.</summary>
    public static IReadOnlyList<string> CommandWords(string value) =>
        ShellWords(value, splitOn: _ => false, keepSeparators: false);

    private static List<string> ShellWords(string value, Func<char, bool> splitOn, bool keepSeparators)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        var i = 0;
        while (i < value.Length)
        {
            var c = value[i];
            if (c == '\'')
            {
                var end = value.IndexOf('\'', i + 1);
                if (end < 0)
                {
                    throw new FormatException($"no closing quotation in '{value}'");
                }

                current.Append(value, i + 1, end - i - 1);
                inWord = true;
                i = end + 1;
            }
            else if (c == '"')
            {
                i++;
                while (true)
                {
                    if (i >= value.Length)
                    {
                        throw new FormatException($"no closing quotation in '{value}'");
                    }

                    if (value[i] == '"')
                    {
                        break;
                    }

                    if (value[i] == '\\' && i + 1 < value.Length && value[i + 1] is '"' or '\\' or '$' or '`')
                    {
                        i++;
                    }

                    current.Append(value[i]);
                    i++;
                }

                inWord = true;
                i++;
            }
            else if (c == '\\' && i + 1 < value.Length)
            {
                current.Append(value[i + 1]);
                inWord = true;
                i += 2;
            }
            else if (char.IsWhiteSpace(c) || splitOn(c))
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }

                if (keepSeparators && splitOn(c))
                {
                    words.Add(c.ToString());
                }

                i++;
            }
            else
            {
                current.Append(c);
                inWord = true;
                i++;
            }
        }

        if (inWord)
        {
            words.Add(current.ToString());
        }

        return words;
    }
}
