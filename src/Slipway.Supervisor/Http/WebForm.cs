using System.Globalization;
using System.Text;

namespace Slipway.Supervisor.Http;

/// <summary>
/// The web UI's request fields and text helpers, as supervisord's web.py reads and writes them: the query string
/// (Python's <c>parse_qs</c>: '+' is a space, blank values are dropped, the first of a repeated key wins), then an
/// <c>application/x-www-form-urlencoded</c> POST body on top (the last of a repeated key wins).
/// </summary>
public static class WebForm
{
    public static Dictionary<string, string> Parse(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        var question = request.Target.IndexOf('?', StringComparison.Ordinal);
        if (question >= 0)
        {
            foreach (var (key, value) in Pairs(request.Target[(question + 1)..]))
            {
                form.TryAdd(key, value);
            }
        }

        if (request.Method == "POST" && request.Body.Length > 0)
        {
            foreach (var (key, value) in Pairs(Encoding.Latin1.GetString(request.Body)))
            {
                form[key] = value;
            }
        }

        return form;
    }

    /// <summary>The non-blank <c>key=value</c> pairs of a query string, decoded.</summary>
    public static IEnumerable<(string Key, string Value)> Pairs(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        foreach (var field in query.Split('&'))
        {
            var equals = field.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                continue;
            }

            var value = Unquote(field[(equals + 1)..]);
            if (value.Length > 0)
            {
                yield return (Unquote(field[..equals]), value);
            }
        }
    }

    /// <summary>Python's <c>unquote_plus</c>: '+' is a space, <c>%XX</c> are UTF-8 bytes.</summary>
    public static string Unquote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var plain = text.Replace('+', ' ');
        if (!plain.Contains('%', StringComparison.Ordinal))
        {
            return plain;
        }

        var bytes = new List<byte>(plain.Length);
        var run = 0; // start of the plain text not yet copied
        for (var i = 0; i < plain.Length; i++)
        {
            if (plain[i] == '%' && i + 2 < plain.Length &&
                byte.TryParse(plain.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(plain[run..i]));
                bytes.Add(b);
                i += 2;
                run = i + 1;
            }
        }

        bytes.AddRange(Encoding.UTF8.GetBytes(plain[run..]));
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>
    /// Python's <c>urllib.parse.quote</c> with its default <c>safe='/'</c>: letters, digits, <c>_.-~</c> and '/' stay,
    /// every other UTF-8 byte becomes <c>%XX</c>. supervisord builds its links and redirect with it.
    /// </summary>
    public static string Quote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var b = new StringBuilder(text.Length);
        foreach (var by in Encoding.UTF8.GetBytes(text))
        {
            if (by is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'_' or (byte)'.' or (byte)'-' or (byte)'~' or (byte)'/')
            {
                b.Append((char)by);
            }
            else
            {
                b.Append('%').Append(by.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return b.ToString();
    }

    /// <summary>Text for HTML content and double-quoted attribute values (the only kind the pages use).</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var b = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            _ = c switch
            {
                '&' => b.Append("&amp;"),
                '<' => b.Append("&lt;"),
                '>' => b.Append("&gt;"),
                '"' => b.Append("&quot;"),
                _ => b.Append(c),
            };
        }

        return b.ToString();
    }

    /// <summary>Python's <c>time.ctime()</c>: <c>Fri Nov  7 14:20:07 2026</c> (day padded with a space).</summary>
    public static string CTime(DateTimeOffset local) =>
        local.ToString("ddd MMM ", CultureInfo.InvariantCulture) + local.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2)
        + local.ToString(" HH:mm:ss yyyy", CultureInfo.InvariantCulture);

    /// <summary>supervisord's make_namespec: <c>name</c> when the group is named after it, else <c>group:name</c>.</summary>
    public static string Namespec(string group, string name) => group == name ? name : group + ":" + name;
}
