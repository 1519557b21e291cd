using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Slipway.Logs.Storage;

/// <summary>
/// Rows for MySQL's LOAD DATA (fields by tab, rows by LF, escape character backslash, NULL as \N), UTF-8 into one growing
/// buffer. Text is escaped so that nothing a sender writes can end a field or a row.
/// </summary>
internal sealed class TsvWriter
{
    private static readonly SearchValues<char> Special = SearchValues.Create("\\\t\n\r\0");
    private readonly ArrayBufferWriter<byte> _out = new(256 * 1024);

    public TsvWriter Tab() => Byte((byte)'\t');

    public TsvWriter EndRow() => Byte((byte)'\n');

    public TsvWriter Null()
    {
        _out.Write("\\N"u8);
        return this;
    }

    public TsvWriter Long(long value)
    {
        var span = _out.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        _out.Advance(written);
        return this;
    }

    public TsvWriter Text(string value)
    {
        var rest = value.AsSpan();
        while (true)
        {
            var at = rest.IndexOfAny(Special);
            var plain = at < 0 ? rest : rest[..at];
            if (!plain.IsEmpty)
            {
                var span = _out.GetSpan(Encoding.UTF8.GetMaxByteCount(plain.Length));
                _out.Advance(Encoding.UTF8.GetBytes(plain, span));
            }

            if (at < 0)
            {
                return this;
            }

            _out.Write(rest[at] switch
            {
                '\\' => "\\\\"u8,
                '\t' => "\\t"u8,
                '\n' => "\\n"u8,
                '\r' => "\\r"u8,
                _ => "\\0"u8,
            });
            rest = rest[(at + 1)..];
        }
    }

    public Stream ToStream() => new MemoryStream(_out.WrittenMemory.ToArray(), writable: false);

    private TsvWriter Byte(byte b)
    {
        _out.GetSpan(1)[0] = b;
        _out.Advance(1);
        return this;
    }
}
