using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Slipway.Supervisor.XmlRpc;

/// <summary>
/// A UTF-8 response body written in place (no StringBuilder → string → byte[] copies), in 16 KiB chunks kept in a
/// small pool: a 500-process getAllProcessInfo reply is half a megabyte, which as one array would land on the
/// large-object heap (reclaimed only by full collections, so a burst of concurrent replies would leave the daemon
/// megabytes larger); chunks are ordinary small objects, reused when pooled and cheap garbage when not. Room can be
/// kept in front of the first chunk so the HTTP head is put before the body afterwards, and the whole response goes
/// out in one gathered write. Not thread-safe; dispose to hand the chunks back.
/// </summary>
public sealed class Utf8Builder : IDisposable
{
    /// <summary>The largest piece written contiguously; longer text is encoded in pieces.</summary>
    private const int ChunkSize = 16 * 1024;
    private const int MaxPooledChunks = 128; // 2 MiB: getAllProcessInfo at 1000 processes, or two at 500, at once
    private const int TextPiece = 2048; // chars: at most 3 bytes each as UTF-8, so a piece always fits in a chunk
    private static readonly ConcurrentStack<byte[]> Pool = new();
    private static int s_pooled;
    private static readonly SearchValues<char> Special = SearchValues.Create(
        "&<>\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");

    private readonly List<ArraySegment<byte>> _sealed = [];
    private readonly int _headroom;
    private readonly bool _discard;
    private byte[] _current;
    private int _start;
    private int _end;
    private int _sealedLength;

    public Utf8Builder(int headroom = 0)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(headroom, ChunkSize / 4);
        _headroom = headroom;
        _current = Rent();
        _start = _end = headroom;
    }

    private Utf8Builder(bool discard)
        : this(0) => _discard = discard;

    /// <summary>A builder that keeps nothing and only counts: what a body will weigh before it is sent in parts.</summary>
    public static Utf8Builder Counter() => new(discard: true);

    public int Length => _sealedLength + (_end - _start);

    /// <summary>What has been written (and prepended), in order.</summary>
    public IList<ArraySegment<byte>> Segments
    {
        get
        {
            var all = new List<ArraySegment<byte>>(_sealed.Count + 1);
            all.AddRange(_sealed);
            if (_end > _start || all.Count == 0)
            {
                all.Add(new ArraySegment<byte>(_current, _start, _end - _start));
            }

            return all;
        }
    }

    /// <summary>Puts <paramref name="data"/> before what is written, if the headroom holds it.</summary>
    public bool TryPrepend(ReadOnlySpan<byte> data)
    {
        if (_sealed.Count > 0)
        {
            var first = _sealed[0];
            if (data.Length > first.Offset)
            {
                return false;
            }

            data.CopyTo(first.Array!.AsSpan(first.Offset - data.Length));
            _sealed[0] = new ArraySegment<byte>(first.Array!, first.Offset - data.Length, first.Count + data.Length);
            _sealedLength += data.Length;
            return true;
        }

        if (data.Length > _start)
        {
            return false;
        }

        _start -= data.Length;
        data.CopyTo(_current.AsSpan(_start));
        return true;
    }

    /// <summary>Forgets what was written (the headroom stays).</summary>
    public void Clear()
    {
        foreach (var segment in _sealed)
        {
            Return(segment.Array!);
        }

        _sealed.Clear();
        _sealedLength = 0;
        _start = _end = _headroom;
    }

    public Utf8Builder Append(ReadOnlySpan<byte> utf8)
    {
        while (!utf8.IsEmpty)
        {
            var room = _current.Length - _end;
            if (room == 0)
            {
                Seal();
                room = _current.Length;
            }

            var n = Math.Min(room, utf8.Length);
            utf8[..n].CopyTo(_current.AsSpan(_end));
            _end += n;
            utf8 = utf8[n..];
        }

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

    /// <summary>Appends a number or date formatted with <paramref name="format"/> (invariant culture; at most 1 KiB).</summary>
    public Utf8Builder Append<T>(T value, string format)
        where T : IUtf8SpanFormattable
    {
        if (!value.TryFormat(Reserve(1024), out var n, format, CultureInfo.InvariantCulture))
        {
            throw new FormatException("formatted value longer than 1 KiB");
        }

        _end += n;
        return this;
    }

    /// <summary>Appends <paramref name="text"/> as UTF-8, unescaped.</summary>
    public Utf8Builder Append(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            var take = Math.Min(text.Length, TextPiece);
            if (take < text.Length && char.IsHighSurrogate(text[take - 1]))
            {
                take--; // keep a surrogate pair in one piece
            }

            var piece = text[..take];
            var room = Reserve(Encoding.UTF8.GetMaxByteCount(piece.Length)); // may start a new chunk: _end after it
            _end += Encoding.UTF8.GetBytes(piece, room);
            text = text[take..];
        }

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
        while (!data.IsEmpty)
        {
            var piece = data[..Math.Min(data.Length, 3 * 1024)]; // whole 3-byte groups until the last piece
            Base64.EncodeToUtf8(piece, Reserve(Base64.GetMaxEncodedToUtf8Length(piece.Length)), out _, out var written);
            _end += written;
            data = data[piece.Length..];
        }

        return this;
    }

    public byte[] ToArray()
    {
        var all = new byte[Length];
        var at = 0;
        foreach (var segment in Segments)
        {
            segment.AsSpan().CopyTo(all.AsSpan(at));
            at += segment.Count;
        }

        return all;
    }

    public override string ToString() => Encoding.UTF8.GetString(ToArray());

    public void Dispose()
    {
        Clear();
        if (_current.Length > 0)
        {
            Return(_current);
            _current = [];
        }
    }

    private Span<byte> Reserve(int size)
    {
        if (_current.Length - _end < size)
        {
            Seal();
        }

        return _current.AsSpan(_end);
    }

    private void Seal()
    {
        if (_discard)
        {
            _sealedLength += _end - _start;
            _start = _end = 0;
            return;
        }

        _sealed.Add(new ArraySegment<byte>(_current, _start, _end - _start));
        _sealedLength += _end - _start;
        _current = Rent();
        _start = _end = 0;
    }

    private static byte[] Rent()
    {
        if (Pool.TryPop(out var chunk))
        {
            Interlocked.Decrement(ref s_pooled);
            return chunk;
        }

        return new byte[ChunkSize];
    }

    private static void Return(byte[] chunk)
    {
        if (chunk.Length != ChunkSize || Interlocked.Increment(ref s_pooled) > MaxPooledChunks)
        {
            if (chunk.Length == ChunkSize)
            {
                Interlocked.Decrement(ref s_pooled);
            }

            return;
        }

        Pool.Push(chunk);
    }
}
