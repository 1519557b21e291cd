using System.Buffers;

namespace Slipway.Supervisor.Logging;

/// <summary>Where <see cref="CaptureScanner"/> sends what it has sorted.</summary>
public interface ICaptureSink
{
    /// <summary>Ordinary output: the channel's log (and its taps).</summary>
    void Output(ReadOnlySpan<byte> data);

    /// <summary>Output inside a BEGIN/END block, as it arrives (supervisord still raises PROCESS_LOG events for it).</summary>
    void Captured(ReadOnlySpan<byte> data);

    /// <summary>An END token closed a block: what the capture buffer kept of it (the PROCESS_COMMUNICATION data).</summary>
    void Message(byte[] data);
}

/// <summary>
/// supervisord's capture mode (dispatchers.py, POutputDispatcher.record_output), for a channel whose
/// <c>*_capture_maxbytes</c> is above 0: text between <c>&lt;!--XSUPERVISOR:BEGIN--&gt;</c> and
/// <c>&lt;!--XSUPERVISOR:END--&gt;</c> is kept out of the log and handed over as one message at END. Outside a
/// block only BEGIN is looked for, inside only END (a second BEGIN is data). A token may be split across reads:
/// the bytes at the end of a read that could start the token wait for the next one. Inside a block, like
/// supervisord, a tail shorter than the END token also waits, so the capture buffer sees the same writes
/// (supervisord also holds one exactly as long as END, so an END read on its own waits for more output there;
/// here it ends the block). Outside a block supervisord holds any read of up to 24 bytes, and loses it if the
/// pipe then closes; here only a possible BEGIN start waits, and is logged at EOF. No I/O: the caller feeds
/// reads and says when the pipe closed.
/// </summary>
public sealed class CaptureScanner(long maxBytes)
{
    public static ReadOnlySpan<byte> BeginToken => "<!--XSUPERVISOR:BEGIN-->"u8;

    public static ReadOnlySpan<byte> EndToken => "<!--XSUPERVISOR:END-->"u8;

    private readonly CaptureBuffer _capture = new(maxBytes);
    private readonly byte[] _pending = new byte[BeginToken.Length];
    private int _pendingLength;

    /// <summary>Inside a BEGIN/END block.</summary>
    public bool Capturing { get; private set; }

    /// <summary>Bytes held back for the next read (a possible token start).</summary>
    public int Pending => _pendingLength;

    public void Feed(ReadOnlySpan<byte> data, ICaptureSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (_pendingLength == 0)
        {
            Scan(data, sink);
            return;
        }

        var joined = ArrayPool<byte>.Shared.Rent(_pendingLength + data.Length);
        try
        {
            _pending.AsSpan(0, _pendingLength).CopyTo(joined);
            data.CopyTo(joined.AsSpan(_pendingLength));
            var length = _pendingLength + data.Length;
            _pendingLength = 0;
            Scan(joined.AsSpan(0, length), sink);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(joined);
        }
    }

    /// <summary>
    /// The pipe closed: held-back ordinary bytes go to the log (supervisord loses them). A block never ended is
    /// dropped, as supervisord drops it: no message is sent for it.
    /// </summary>
    public void Close(ICaptureSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (!Capturing && _pendingLength > 0)
        {
            sink.Output(_pending.AsSpan(0, _pendingLength));
        }

        _pendingLength = 0;
        _capture.Clear();
    }

    private void Scan(ReadOnlySpan<byte> data, ICaptureSink sink)
    {
        while (true)
        {
            var token = Capturing ? EndToken : BeginToken;
            if (Capturing && data.Length < token.Length)
            {
                Hold(data);
                return;
            }

            var at = data.IndexOf(token);
            if (at < 0)
            {
                var keep = PrefixAtEnd(data, token);
                Emit(data[..^keep], sink);
                Hold(data[^keep..]);
                return;
            }

            Emit(data[..at], sink);
            Toggle(sink);
            data = data[(at + token.Length)..];
            if (data.IsEmpty)
            {
                return;
            }
        }
    }

    private void Emit(ReadOnlySpan<byte> data, ICaptureSink sink)
    {
        if (data.IsEmpty)
        {
            return;
        }

        if (Capturing)
        {
            _capture.Write(data);
            sink.Captured(data);
        }
        else
        {
            sink.Output(data);
        }
    }

    private void Toggle(ICaptureSink sink)
    {
        Capturing = !Capturing;
        if (!Capturing)
        {
            var message = _capture.ToArray();
            _capture.Clear();
            sink.Message(message);
        }
    }

    private void Hold(ReadOnlySpan<byte> data)
    {
        data.CopyTo(_pending);
        _pendingLength = data.Length;
    }

    /// <summary>The length of the longest proper prefix of <paramref name="token"/> that <paramref name="data"/> ends with (0 if none).</summary>
    internal static int PrefixAtEnd(ReadOnlySpan<byte> data, ReadOnlySpan<byte> token)
    {
        for (var n = Math.Min(token.Length - 1, data.Length); n > 0; n--)
        {
            if (data[^n..].SequenceEqual(token[..n]))
            {
                return n;
            }
        }

        return 0;
    }
}
