using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Collections.Concurrent;

namespace Slipway.Supervisor.Logging;

/// <summary>
/// syslog_forward: sends program output lines to a syslog server over TCP as RFC 5424 messages in octet-counted
/// frames (RFC 6587), e.g. <c>87 &lt;14&gt;1 2026-11-27T08:00:00.123Z web1 web:web_0 1234 stdout - GET / 200</c>.
/// Lines go through a bounded buffer: the output thread never waits; when the buffer is full (the server is down
/// or slow) the line is dropped and counted. The connection is retried in the background.
/// </summary>
public sealed class SyslogForwarder : IDisposable
{
    private readonly ConcurrentQueue<byte[]> _queue = new();
    private readonly ManualResetEventSlim _signal = new(false);
    private readonly Thread _sender;
    private readonly string _host;
    private readonly int _port;
    private readonly string _hostName;
    private readonly int _capacity;
    private int _count;
    private long _sent;
    private long _dropped;
    private volatile bool _completing;
    private volatile bool _stopping;

    public SyslogForwarder(string host, int port, string hostName, int capacity)
    {
        _host = host;
        _port = port;
        _hostName = Field(hostName, 255);
        _capacity = capacity;
        _sender = new Thread(SendLoop, 256 * 1024) { IsBackground = true, Name = "supervise-syslog-forward" };
        _sender.Start();
    }

    public long Sent => Interlocked.Read(ref _sent);

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues one line (never blocks); false when it was dropped because the buffer is full.</summary>
    public bool Enqueue(ForwardSource source, ReadOnlySpan<byte> line, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (Volatile.Read(ref _count) >= _capacity || _completing)
        {
            Interlocked.Increment(ref _dropped); // the cheap path while the server is down
            return false;
        }

        if (Interlocked.Increment(ref _count) > _capacity)
        {
            Interlocked.Decrement(ref _count);
            Interlocked.Increment(ref _dropped);
            return false;
        }

        _queue.Enqueue(source.Frame(line, at));
        _signal.Set();
        return true;
    }

    /// <summary>The header fields of one process channel, made once per run.</summary>
    public ForwardSource Source(string app, int pid, bool stderr) => new(_hostName, app, pid, stderr);

    /// <summary>One octet-counted RFC 5424 frame: facility user, severity info (stdout) or err (stderr), MSGID = the channel.</summary>
    public static byte[] Frame(string hostName, string app, int pid, bool stderr, ReadOnlySpan<byte> line, DateTimeOffset at) =>
        new ForwardSource(hostName, app, pid, stderr).Frame(line, at);

    /// <summary>An RFC 5424 header field: printable ASCII without spaces, at most <paramref name="max"/> characters, "-" when empty.</summary>
    public static string Field(string value, int max)
    {
        var chars = value.Where(c => c is > ' ' and <= '~').Take(max).ToArray();
        return chars.Length == 0 ? "-" : new string(chars);
    }

    private void SendLoop()
    {
        var retry = 200;
        var batch = new byte[64 * 1024];
        while (!_stopping)
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Connect(_host, _port);
                retry = 200;
                while (!_stopping)
                {
                    if (_queue.IsEmpty)
                    {
                        if (_completing)
                        {
                            return;
                        }

                        _signal.Wait(1000);
                        _signal.Reset();
                        continue;
                    }

                    var length = 0;
                    var count = 0;
                    while (_queue.TryPeek(out var frame) && (length == 0 || length + frame.Length <= batch.Length))
                    {
                        _queue.TryDequeue(out _);
                        Interlocked.Decrement(ref _count);
                        if (frame.Length > batch.Length)
                        {
                            batch = new byte[frame.Length];
                        }

                        frame.CopyTo(batch, length);
                        length += frame.Length;
                        count++;
                    }

                    try
                    {
                        var offset = 0;
                        while (offset < length)
                        {
                            offset += socket.Send(batch, offset, length - offset, SocketFlags.None);
                        }
                    }
                    catch (SocketException)
                    {
                        Interlocked.Add(ref _dropped, count); // lost with the connection
                        throw;
                    }

                    Interlocked.Add(ref _sent, count);
                }
            }
            catch (SocketException)
            {
                // the server is down: lines pile up in the bounded buffer (then drop) until it is back
            }

            if (_completing && _queue.IsEmpty)
            {
                return;
            }

            for (var waited = 0; waited < retry && !_stopping; waited += 50)
            {
                Thread.Sleep(50);
            }

            retry = Math.Min(5000, retry * 2);
        }
    }

    /// <summary>Stops taking lines and gives the sender up to <paramref name="grace"/> to send what is queued.</summary>
    public void Flush(TimeSpan grace)
    {
        _completing = true;
        _signal.Set();
        _sender.Join(grace);
    }

    public void Dispose()
    {
        _completing = true;
        _stopping = true;
        _signal.Set();
        _sender.Join(TimeSpan.FromSeconds(1));
        _signal.Dispose();
    }
}

/// <summary>
/// The fixed part of one process channel's frames (PRI, HOSTNAME, APP-NAME, PROCID, MSGID), made once, and a
/// timestamp cached per millisecond: a frame costs one allocation and a copy. Used by the output thread only.
/// </summary>
public sealed class ForwardSource
{
    private readonly byte[] _head;
    private readonly byte[] _tail;
    private readonly byte[] _stamp = new byte[24];
    private long _stampMs = long.MinValue;

    public ForwardSource(string hostName, string app, int pid, bool stderr)
    {
        var pri = (1 * 8) + (stderr ? 3 : 6);
        _head = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"<{pri}>1 "));
        _tail = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $" {SyslogForwarder.Field(hostName, 255)} {SyslogForwarder.Field(app, 48)} {pid} {(stderr ? "stderr" : "stdout")} - "));
    }

    public byte[] Frame(ReadOnlySpan<byte> line, DateTimeOffset at)
    {
        var ms = at.ToUnixTimeMilliseconds();
        if (ms != _stampMs)
        {
            _stampMs = ms;
            at.UtcDateTime.TryFormat(_stamp, out _, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        }

        var length = _head.Length + _stamp.Length + _tail.Length + line.Length;
        Span<byte> digits = stackalloc byte[12];
        length.TryFormat(digits, out var digitCount, default, CultureInfo.InvariantCulture);
        var frame = new byte[digitCount + 1 + length];
        var span = frame.AsSpan();
        digits[..digitCount].CopyTo(span);
        span[digitCount] = (byte)' ';
        span = span[(digitCount + 1)..];
        _head.CopyTo(span);
        _stamp.CopyTo(span[_head.Length..]);
        _tail.CopyTo(span[(_head.Length + _stamp.Length)..]);
        line.CopyTo(span[(_head.Length + _stamp.Length + _tail.Length)..]);
        return frame;
    }
}
