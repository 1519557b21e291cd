namespace Slipway.Logs.Parsing;

/// <summary>Receives one complete frame; the span is only valid during the call.</summary>
public delegate void FrameHandler(ReadOnlySpan<byte> frame, bool truncated);

/// <summary>
/// Splits a TCP syslog byte stream into messages (RFC 6587): a frame starting with a digit is octet-counted
/// ("LEN SP MSG"), anything else ends at LF or NUL (a CR before it is dropped). Bytes arrive in arbitrary chunks.
/// A frame longer than the limit is cut and flagged; the rest of it is skipped, never buffered, so memory per
/// connection stays bounded whatever a client sends. A digit prefix that turns out not to be a length (a raw
/// line such as "10.0.0.1 - GET /") is kept and read as a line instead.
/// </summary>
public sealed class SyslogFrameDecoder(int maxFrameBytes = SyslogFrameDecoder.DefaultMaxFrameBytes)
{
    public const int DefaultMaxFrameBytes = 64 * 1024;
    private const int MaxLengthDigits = 9;

    private readonly int _max = maxFrameBytes;
    private byte[] _buffer = new byte[Math.Min(1024, maxFrameBytes)];
    private int _length;
    private bool _truncated;
    private State _state = State.Start;
    private long _remaining;

    private enum State
    {
        Start,
        Length,
        Counted,
        Line,
    }

    public void Feed(ReadOnlySpan<byte> data, FrameHandler onFrame)
    {
        ArgumentNullException.ThrowIfNull(onFrame);
        var i = 0;
        while (i < data.Length)
        {
            switch (_state)
            {
                case State.Start:
                    var first = data[i];
                    if (first is (byte)'\n' or (byte)'\r' or 0 or (byte)' ')
                    {
                        i++; // stray trailers between frames
                    }
                    else if (first is >= (byte)'1' and <= (byte)'9')
                    {
                        _state = State.Length;
                        _remaining = 0;
                    }
                    else
                    {
                        _state = State.Line;
                    }

                    break;

                case State.Length:
                    var b = data[i];
                    if (b is >= (byte)'0' and <= (byte)'9' && _length < MaxLengthDigits)
                    {
                        _remaining = (_remaining * 10) + (b - '0');
                        Append(b);
                        i++;
                    }
                    else if (b == (byte)' ' && _length > 0)
                    {
                        i++;
                        _length = 0;
                        _state = State.Counted;
                    }
                    else
                    {
                        // Not a length after all: what we took for digits is the start of a line.
                        _remaining = 0;
                        _state = State.Line;
                    }

                    break;

                case State.Counted:
                    var take = (int)Math.Min(_remaining, data.Length - i);
                    AppendMany(data.Slice(i, take));
                    i += take;
                    _remaining -= take;
                    if (_remaining == 0)
                    {
                        Emit(onFrame);
                    }

                    break;

                case State.Line:
                    var rest = data[i..];
                    var end = rest.IndexOfAny((byte)'\n', (byte)0);
                    if (end < 0)
                    {
                        AppendMany(rest);
                        i = data.Length;
                    }
                    else
                    {
                        AppendMany(rest[..end]);
                        i += end + 1;
                        if (_length > 0 && _buffer[_length - 1] == (byte)'\r' && !_truncated)
                        {
                            _length--;
                        }

                        Emit(onFrame);
                    }

                    break;
            }
        }
    }

    /// <summary>At end of stream: a last line without its trailer still counts; a half octet-counted frame is delivered cut.</summary>
    public void Complete(FrameHandler onFrame)
    {
        ArgumentNullException.ThrowIfNull(onFrame);
        if (_state == State.Counted && (_length > 0 || _remaining > 0))
        {
            _truncated = true;
            Emit(onFrame);
        }
        else if (_length > 0)
        {
            Emit(onFrame);
        }

        _state = State.Start;
    }

    private void Emit(FrameHandler onFrame)
    {
        if (_length > 0 || _truncated)
        {
            onFrame(_buffer.AsSpan(0, _length), _truncated);
        }

        _length = 0;
        _truncated = false;
        _state = State.Start;
    }

    private void Append(byte b) => AppendMany([b]);

    private void AppendMany(ReadOnlySpan<byte> bytes)
    {
        // The buffer grows on demand (thousands of idle connections cost little) up to the frame limit.
        if (_length + bytes.Length > _buffer.Length && _buffer.Length < _max)
        {
            var size = _buffer.Length;
            while (size < _length + bytes.Length && size < _max)
            {
                size = Math.Min(size * 2, _max);
            }

            Array.Resize(ref _buffer, size);
        }

        var room = _buffer.Length - _length;
        if (bytes.Length > room)
        {
            _truncated = true;
            bytes = bytes[..room];
        }

        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }
}
