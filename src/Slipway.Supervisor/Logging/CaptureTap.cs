namespace Slipway.Supervisor.Logging;

/// <summary>
/// One channel of one run in capture mode (<c>*_capture_maxbytes</c> above 0), on the output thread: ordinary output
/// goes to the log and <paramref name="output"/> (PROCESS_LOG events, syslog forwarding); a block's text goes only to
/// <paramref name="captured"/> (PROCESS_LOG events, as supervisord raises them for it too) and, at END, to
/// <paramref name="message"/> (the PROCESS_COMMUNICATION event).
/// </summary>
public sealed class CaptureTap(long maxBytes, Func<RotatingLogFile?>? log, OutputTap? output, OutputTap? captured, Action<byte[]> message) : ICaptureSink
{
    private readonly CaptureScanner _scanner = new(maxBytes);

    public void OnData(ReadOnlySpan<byte> data) => _scanner.Feed(data, this);

    public void OnClosed() => _scanner.Close(this);

    void ICaptureSink.Output(ReadOnlySpan<byte> data)
    {
        RotatingLogFile.WriteOrDrop(log, data);

        output?.Invoke(data);
    }

    void ICaptureSink.Captured(ReadOnlySpan<byte> data) => captured?.Invoke(data);

    void ICaptureSink.Message(byte[] data) => message(data);
}
