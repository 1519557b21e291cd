namespace Slipway.Supervisor.Logging;

/// <summary>
/// <c>strip_ansi=true</c>: removes ANSI CSI escapes (ESC [ ... up to a final letter) from a program's output before
/// it is logged, as supervisord's stripEscapes does: each read on its own (an escape cut across two reads loses
/// the first read's part up to its end, as there), other escapes (OSC, bare ESC) left as they are.
/// </summary>
public static class AnsiStripper
{
    // supervisord's ANSI_TERMINATORS: the final bytes it recognises.
    private static readonly System.Buffers.SearchValues<byte> Terminators = System.Buffers.SearchValues.Create("HfABCDRsuJKhlpm"u8);

    /// <summary>Whether <paramref name="data"/> holds an escape at all (the common case is no, and nothing is copied).</summary>
    public static bool HasEscape(ReadOnlySpan<byte> data) => data.IndexOf("\u001b["u8) >= 0;

    /// <summary>Writes <paramref name="data"/> without its escapes to <paramref name="output"/> (at least as long); returns the length.</summary>
    public static int Strip(ReadOnlySpan<byte> data, Span<byte> output)
    {
        var length = 0;
        var rest = data;
        while (true)
        {
            var escape = rest.IndexOf("\u001b["u8);
            if (escape < 0)
            {
                rest.CopyTo(output[length..]);
                return length + rest.Length;
            }

            rest[..escape].CopyTo(output[length..]);
            length += escape;
            var end = rest[(escape + 2)..].IndexOfAny(Terminators);
            if (end < 0)
            {
                return length; // unterminated: the rest of this read is dropped, as in supervisord
            }

            rest = rest[(escape + 2 + end + 1)..];
        }
    }
}

/// <summary>One output channel with <c>strip_ansi=true</c>: the stripped bytes go to the log, then on to the next tap.</summary>
public sealed class StripAnsiTap(Func<RotatingLogFile?> log, OutputTap? next)
{
    private byte[] _buffer = new byte[4096];

    public void OnData(ReadOnlySpan<byte> data)
    {
        if (AnsiStripper.HasEscape(data))
        {
            if (_buffer.Length < data.Length)
            {
                _buffer = new byte[Math.Max(data.Length, _buffer.Length * 2)];
            }

            data = _buffer.AsSpan(0, AnsiStripper.Strip(data, _buffer));
        }

        RotatingLogFile.WriteOrDrop(log, data);

        next?.Invoke(data);
    }
}
