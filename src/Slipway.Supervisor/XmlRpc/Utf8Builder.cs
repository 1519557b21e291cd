using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Slipway.Supervisor.XmlRpc;

/// <summary>
/// A growable UTF-8 byte buffer for response bodies, written in place (no StringBuilder → string → byte[] copies).
/// Room can be kept in front so an HTTP head is put before the body afterwards and the whole response goes out in
/// one write. The array is reused: one released buffer is kept for the next response, so a daemon answering
/// getAllProcessInfo over and over allocates nothing large after the first reply (a 500-process reply is half a
/// megabyte, which the GC would otherwise put on the large-object heap, reclaimed only by full collections).
/// Not thread-safe; dispose to hand the array back.
/// </summary>
public sealed class Utf8Builder : IDisposable
{
    // Enough for getAllProcessInfo at about 1000 processes; a rarer, larger reply (a big readLog) gets an array of
    // its own rather than pinning megabytes for good.
    private const int MaxCachedBytes = 2 * 1024 * 1024;
    private static readonly SearchValues<char> Special = SearchValues.Create(
        "&<>\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");

    private static byte[]? s_cached;
    private byte[] _buffer;
    private int _start;
    private int _end;

    public Utf8Builder(int capacity = 1024, int headroom = 0)
    {
        var needed = capacity + headroom;
        var cached = Interlocked.Exchange(ref s_cached, null);
        if (cached is not null && cached.Length >= needed)
        {
            _buffer = cached;
        }
        else
        {
            Release(cached);
            _buffer = new byte[Math.Max(needed, 256)];
        }

        _start = _end = headroom;
    }

    public int Length => _end - _start;

    /// <summary>What has been written (and prepended).</summary>
    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(_start, _end - _start);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(_start, _end - _start);

    /// <summary>Puts <paramref name="data"/> before what is written, if the headroom holds it.</summary>
    public bool TryPrepend(ReadOnlySpan<byte> data)
    {
        if (data.Length > _start)
        {
            return false;
        }

        _start -= data.Length;
        data.CopyTo(_buffer.AsSpan(_start));
        return true;
    }

    /// <summary>Forgets what was written (the headroom stays).</summary>
    public void Clear() => _end = _start;

    public Utf8Builder Append(ReadOnlySpan<byte> utf8)
    {
        utf8.CopyTo(Reserve(utf8.Length));
        _end += utf8.Length;
        return this;
    }

    /// <summary>Appends an ASCII character.</summary>
    public Utf8Builder Append(char ascii)
    {
        Reserve(1)[0] = (byte)ascii;
        _end++;
        return this;
    }

    public Utf8Builder Append(long value)
    {
        value.TryFormat(Reserve(20), out var n, default, CultureInfo.InvariantCulture);
        _end += n;
        return this;
    }

    public Utf8Builder Append<T>(T value, string format)
        where T : IUtf8SpanFormattable
    {
        int n;
        var size = 64;
        while (!value.TryFormat(Reserve(size), out n, format, CultureInfo.InvariantCulture))
        {
            size *= 2;
        }

        _end += n;
        return this;
    }

    /// <summary>Appends <paramref name="text"/> as UTF-8, unescaped.</summary>
    public Utf8Builder Append(ReadOnlySpan<char> text)
    {
        _end += Encoding.UTF8.GetBytes(text, Reserve(Encoding.UTF8.GetMaxByteCount(text.Length)));
        return this;
    }

    /// <summary>
    /// Appends <paramref name="text"/> as XML character data: &amp;, &lt; and &gt; escaped, and the control characters
    /// XML 1.0 cannot carry replaced by U+FFFD (xmlrpclib would send them and break the client).
    /// </summary>
    public Utf8Builder AppendEscaped(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            var i = text.IndexOfAny(Special);
            if (i < 0)
            {
                return Append(text);
            }

            Append(text[..i]);
            Append(text[i] switch
            {
                '&' => "&amp;"u8,
                '<' => "&lt;"u8,
                '>' => "&gt;"u8,
                _ => "\uFFFD"u8,
            });
            text = text[(i + 1)..];
        }

        return this;
    }

    public Utf8Builder AppendBase64(ReadOnlySpan<byte> data)
    {
        Base64.EncodeToUtf8(data, Reserve(Base64.GetMaxEncodedToUtf8Length(data.Length)), out _, out var written);
        _end += written;
        return this;
    }

    public override string ToString() => Encoding.UTF8.GetString(WrittenSpan);

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _start = _end = 0;
        Release(buffer);
    }

    private static void Release(byte[]? buffer)
    {
        if (buffer is null || buffer.Length == 0 || buffer.Length > MaxCachedBytes)
        {
            return;
        }

        // Keep the larger of the two: the next big reply then needs no new array.
        var other = Interlocked.Exchange(ref s_cached, buffer);
        if (other is not null && other.Length > buffer.Length)
        {
            Interlocked.CompareExchange(ref s_cached, other, buffer);
        }
    }

    private Span<byte> Reserve(int size)
    {
        if (_buffer.Length - _end < size)
        {
            var grown = new byte[Math.Max(_buffer.Length * 2, _end + size)];
            _buffer.AsSpan(0, _end).CopyTo(grown);
            _buffer = grown;
        }

        return _buffer.AsSpan(_end);
    }
}
