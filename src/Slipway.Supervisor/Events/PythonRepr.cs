using System.Globalization;
using System.Text;

namespace Slipway.Supervisor.Events;

/// <summary>Python's <c>repr()</c> of a bytes object, where supervisord puts one in text a client reads.</summary>
public static class PythonRepr
{
    /// <summary><c>b'...'</c>: printable ASCII as is, <c>\t \n \r \\</c> and the quote escaped, other bytes as <c>\xNN</c>; double quotes when the data has a single quote and no double one.</summary>
    public static string Bytes(ReadOnlySpan<byte> data)
    {
        var quote = data.Contains((byte)'\'') && !data.Contains((byte)'"') ? '"' : '\'';
        var text = new StringBuilder(data.Length + 3).Append('b').Append(quote);
        foreach (var b in data)
        {
            switch (b)
            {
                case (byte)'\\':
                    text.Append(@"\\");
                    break;
                case (byte)'\t':
                    text.Append(@"\t");
                    break;
                case (byte)'\n':
                    text.Append(@"\n");
                    break;
                case (byte)'\r':
                    text.Append(@"\r");
                    break;
                case < 0x20 or >= 0x7f:
                    text.Append(CultureInfo.InvariantCulture, $@"\x{b:x2}");
                    break;
                default:
                    if (b == quote)
                    {
                        text.Append('\\');
                    }

                    text.Append((char)b);
                    break;
            }
        }

        return text.Append(quote).ToString();
    }
}
