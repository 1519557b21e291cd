namespace Slipway.Logs.Web;

/// <summary>Where <c>/login</c> may send the browser afterwards: a path on this server, never another site.</summary>
public static class LoginTarget
{
    /// <summary>
    /// <paramref name="next"/> when it is a local path, else <c>/</c>. Refused: absolute URLs (<c>https://elsewhere</c>),
    /// scheme-relative ones (<c>//elsewhere</c>), <c>/\elsewhere</c> (browsers read a backslash as a slash), and any
    /// control character or whitespace (browsers drop tabs and newlines from URLs, so <c>/\t/elsewhere</c> is
    /// <c>//elsewhere</c>).
    /// </summary>
    public static string Safe(string? next)
    {
        if (string.IsNullOrEmpty(next) || next[0] != '/' || (next.Length > 1 && next[1] is '/' or '\\'))
        {
            return "/";
        }

        foreach (var c in next)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c) || c == '\\')
            {
                return "/";
            }
        }

        return next;
    }
}
