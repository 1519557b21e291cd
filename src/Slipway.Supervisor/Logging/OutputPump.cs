using System.Runtime.InteropServices;
using Slipway.Supervisor.Native;

namespace Slipway.Supervisor.Logging;

/// <summary>
/// Reads every child's stdout/stderr pipe on one thread with epoll and appends what arrives to the channel's
/// log (or drops it for NONE), like supervisord's poller. A pipe is closed when it reaches EOF, so a child's
/// last words are kept even after it has been reaped. One thread serves 1000 pipes.
/// </summary>
public sealed unsafe class OutputPump : IDisposable
{
    private const int EpollCtlAdd = 1;
    private const int EpollCtlDel = 2;
    private const uint EpollIn = 0x001;
    private const uint EpollHup = 0x010;
    private const uint EpollErr = 0x008;
    private static readonly bool Packed = RuntimeInformation.ProcessArchitecture == Architecture.X64;
    private static readonly int EventSize = Packed ? 12 : 16;
    private static readonly int DataOffset = Packed ? 4 : 8;

    private readonly int _epoll;
    private readonly int _wake;
    private readonly Lock _lock = new();
    private readonly Dictionary<int, (Func<RotatingLogFile?>? Sink, OutputTap? Tap, Action? Closed)> _sinks = [];
    private readonly Thread _thread;
    private volatile bool _stopping;

    public OutputPump()
    {
        _epoll = Posix.epoll_create1(Posix.OCloExec);
        _wake = Posix.eventfd(0, Posix.OCloExec | Posix.ONonBlock);
        if (_epoll < 0 || _wake < 0)
        {
            throw new IOException("epoll/eventfd: " + Posix.StrError(Posix.Errno));
        }

        Add(_wake);
        _thread = new Thread(Run) { IsBackground = true, Name = "supervise-output" };
        _thread.Start();
    }

    /// <summary>
    /// Starts reading <paramref name="fd"/> (non-blocking, owned from now on); output goes to <paramref name="sink"/>()
    /// and, when given, to <paramref name="tap"/> too (event listener replies, PROCESS_LOG events); with no sink the
    /// tap does the logging (capture mode). <paramref name="closed"/> is called on the output thread at EOF.
    /// </summary>
    public void Register(int fd, Func<RotatingLogFile?>? sink, OutputTap? tap = null, Action? closed = null)
    {
        lock (_lock)
        {
            _sinks[fd] = (sink, tap, closed);
        }

        Add(fd);
    }

    /// <summary>How many pipes are still open (tests wait for a child's output to drain).</summary>
    public int OpenPipes
    {
        get
        {
            lock (_lock)
            {
                return _sinks.Count;
            }
        }
    }

    private void Add(int fd)
    {
        var ev = stackalloc byte[16];
        *(uint*)ev = EpollIn;
        *(long*)(ev + DataOffset) = fd;
        if (Posix.epoll_ctl(_epoll, EpollCtlAdd, fd, ev) != 0)
        {
            throw new IOException("epoll_ctl: " + Posix.StrError(Posix.Errno));
        }
    }

    private void Run()
    {
        const int MaxEvents = 256;
        var events = new byte[MaxEvents * 16];
        var buffer = new byte[256 * 1024];
        var moved = false;
        fixed (byte* ev = events)
        fixed (byte* buf = buffer)
        {
            while (!_stopping)
            {
                if (moved)
                {
                    // Output is flowing: let it gather for a moment (the pipes hold 1 MiB) rather than wake for every
                    // write a child makes, which costs several times the CPU per byte and takes CPU from the writers
                    // themselves. An idle daemon still blocks in epoll_wait, and a quiet child's line is not delayed.
                    moved = false;
                    Thread.Sleep(1);
                }

                var n = Posix.epoll_wait(_epoll, ev, MaxEvents, -1);
                if (n < 0)
                {
                    continue; // EINTR
                }

                for (var i = 0; i < n; i++)
                {
                    var entry = ev + (i * EventSize);
                    var flags = *(uint*)entry;
                    var fd = (int)*(long*)(entry + DataOffset);
                    if (fd == _wake)
                    {
                        continue;
                    }

                    if ((flags & (EpollIn | EpollHup | EpollErr)) != 0)
                    {
                        moved |= Drain(fd, buf, buffer.Length);
                    }
                }
            }
        }
    }

    private bool Drain(int fd, byte* buf, int size)
    {
        Func<RotatingLogFile?>? sink;
        OutputTap? tap;
        Action? closed;
        lock (_lock)
        {
            if (!_sinks.TryGetValue(fd, out var entry))
            {
                return false;
            }

            (sink, tap, closed) = entry;
        }

        // Read a bounded amount per wake-up so one chatty child cannot starve the others.
        for (var round = 0; round < 16; round++)
        {
            var got = Posix.read(fd, buf, size);
            if (got > 0)
            {
                RotatingLogFile.WriteOrDrop(sink, new ReadOnlySpan<byte>(buf, (int)got));
                tap?.Invoke(new ReadOnlySpan<byte>(buf, (int)got));

                if (got < size)
                {
                    return true;
                }

                continue;
            }

            if (got < 0 && (Posix.Errno == Posix.EAgain || Posix.Errno == Posix.EIntr))
            {
                return round > 0;
            }

            // EOF or a real error: this pipe is done.
            var ev = stackalloc byte[16];
            Posix.epoll_ctl(_epoll, EpollCtlDel, fd, ev);
            Posix.close(fd);
            lock (_lock)
            {
                _sinks.Remove(fd);
            }

            closed?.Invoke();
            return round > 0;
        }

        return true;
    }

    public void Dispose()
    {
        _stopping = true;
        var one = stackalloc byte[8];
        *(long*)one = 1;
        Posix.write(_wake, one, 8);
        _thread.Join(TimeSpan.FromSeconds(2));
    }
}

/// <summary>Sees a copy of what a child wrote, on the output thread.</summary>
public delegate void OutputTap(ReadOnlySpan<byte> data);
