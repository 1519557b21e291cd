namespace Slipway.Supervisor.Logging;

/// <summary>
/// What supervisord keeps of a capture block (loggers.py's BoundIO, sized by <c>*_capture_maxbytes</c>): each write
/// is appended, and when the total would pass the limit the oldest bytes — as many as the write brings — go first.
/// So a long block keeps about its last maxbytes, cut where the program's writes fell, and one write larger than
/// the limit is kept whole (supervisord does the same).
/// </summary>
public sealed class CaptureBuffer(long maxBytes)
{
    private byte[] _buf = [];
    private int _length;

    public long MaxBytes { get; } = maxBytes;

    public int Length => _length;

    public void Write(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        if ((long)_length + data.Length > MaxBytes)
        {
            var drop = Math.Min(data.Length, _length);
            _buf.AsSpan(drop, _length - drop).CopyTo(_buf);
            _length -= drop;
        }

        if (_length + data.Length > _buf.Length)
        {
            Array.Resize(ref _buf, Math.Max(_length + data.Length, Math.Min(_buf.Length * 2, Array.MaxLength)));
        }

        data.CopyTo(_buf.AsSpan(_length));
        _length += data.Length;
    }

    public byte[] ToArray() => _buf.AsSpan(0, _length).ToArray();

    public void Clear() => _length = 0;
}
