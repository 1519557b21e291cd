namespace Slipway.Supervisor.Logging;

/// <summary>
/// Cuts a program's output stream into lines for log forwarding: a line ends at LF (a CR before it is dropped);
/// a partial line waits for the next read; a line longer than the limit is sent in pieces of the limit.
/// </summary>
public sealed class LineSplitter(int maxLine = LineSplitter.DefaultMaxLine)
{
    public const int DefaultMaxLine = 16 * 1024;
    private readonly byte[] _pending = new byte[maxLine];
    private int _length;
    private bool _justCut;

    public delegate void LineHandler(ReadOnlySpan<byte> line);

    public void Feed(ReadOnlySpan<byte> data, LineHandler onLine)
    {
        ArgumentNullException.ThrowIfNull(onLine);
        while (data.Length > 0)
        {
            var lf = data.IndexOf((byte)'\n');
            if (_length == 0 && lf >= 0 && lf <= _pending.Length)
            {
                // the common case: a whole line inside this read, handed over without a copy
                var whole = data[..lf];
                if (whole.Length > 0 && whole[^1] == (byte)'\r')
                {
                    whole = whole[..^1];
                }

                if (!(_justCut && lf == 0))
                {
                    onLine(whole);
                }

                _justCut = false;
                data = data[(lf + 1)..];
                continue;
            }

            var chunk = lf < 0 ? data : data[..lf];
            while (chunk.Length > 0)
            {
                var n = Math.Min(_pending.Length - _length, chunk.Length);
                chunk[..n].CopyTo(_pending.AsSpan(_length));
                _length += n;
                chunk = chunk[n..];
                _justCut = false;
                if (_length == _pending.Length)
                {
                    Emit(onLine);
                    _justCut = true;
                }
            }

            if (lf < 0)
            {
                return;
            }

            if (!_justCut || _length > 0)
            {
                Emit(onLine, always: true);
            }

            _justCut = false;
            data = data[(lf + 1)..];
        }
    }

    private void Emit(LineHandler onLine, bool always = false)
    {
        var line = _pending.AsSpan(0, _length);
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        if (line.Length > 0 || always)
        {
            onLine(line);
        }

        _length = 0;
    }
}
