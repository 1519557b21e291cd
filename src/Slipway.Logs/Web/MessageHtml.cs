using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Slipway.Logs.Web;

/// <summary>
/// A stored message as HTML text: escaped (markup in a message is shown, never run), and control characters other than
/// tab and newline made visible as <c>\xHH</c> in a <c>span.ctl</c> (an escape sequence, a NUL or a backspace would
/// otherwise be invisible, or hide the text around it in a copy and paste). U+FFFD, which replaced invalid UTF-8
/// (and NUL on PostgreSQL) when the event was received, is shown as it is.
/// </summary>
public static class MessageHtml
{
    public static string Render(string? message)
    {
        if (string.IsNullOrEmpty(message))
        {
            return "";
        }

        var sb = new StringBuilder(message.Length + 16);
        var start = 0;
        for (var i = 0; i < message.Length; i++)
        {
            var c = message[i];
            if (!IsHidden(c))
            {
                continue;
            }

            sb.Append(HtmlEncoder.Default.Encode(message[start..i]));
            sb.Append(CultureInfo.InvariantCulture, $"<span class=\"ctl\">\\x{(int)c:x2}</span>");
            start = i + 1;
        }

        sb.Append(HtmlEncoder.Default.Encode(message[start..]));
        return sb.ToString();
    }

    private static bool IsHidden(char c) => c is < ' ' and not '\t' and not '\n' || c is >= '\u007f' and <= '\u009f';
}
