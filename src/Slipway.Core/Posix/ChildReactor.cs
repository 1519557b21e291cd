using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Slipway.Core.Posix;

/// <summary>
/// One thread for every <see cref="CapturedProcess"/>: it waits in epoll on each child's pidfd (readable when the child
/// exits) and on the read ends of its stdout and stderr pipes, reads what arrives, reaps the child and completes its
/// tasks. A thousand plugins a minute cost this one thread instead of System.Diagnostics.Process's pipe readers,
/// wait-state bookkeeping and SIGCHLD handling for each.
/// </summary>
internal static unsafe class ChildReactor
{
    private const int MaxEvents = 64;
    private const int ReadSize = 64 * 1024;

    /// <summary>On x86-64 the kernel's struct epoll_event is packed (12 bytes); elsewhere the u64 is aligned (16).</summary>
    private static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    private static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    private static readonly ConcurrentDictionary<long, Watch> Watches = new();
    private static readonly Lazy<int> Epoll = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private static long _nextToken;

    /// <summary>A file descriptor the reactor owns until it reports EOF (pipes) or the exit (pidfd), then closes.</summary>
    internal abstract class Watch(int fd)
    {
        public int Fd { get; } = fd;

        /// <summary>Called on the reactor thread when the fd is ready; true when it is finished (unwatched and closed).</summary>
        public abstract bool OnReady(byte* buffer);
    }

    public static void Add(Watch watch)
    {
        var epoll = Epoll.Value;
        var token = Interlocked.Increment(ref _nextToken);
        Watches[token] = watch;
        var ev = stackalloc byte[16];
        *(uint*)ev = PosixNative.EpollIn;
        *(long*)(ev + DataOffset) = token;
        if (PosixNative.epoll_ctl(epoll, PosixNative.EpollCtlAdd, watch.Fd, ev) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            Watches.TryRemove(token, out _);
            throw new IOException($"epoll_ctl: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }

    private static int Start()
    {
        var epoll = PosixNative.epoll_create1(PosixNative.OCloexec);
        if (epoll < 0)
        {
            throw new IOException($"epoll_create1: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        new Thread(() => Loop(epoll)) { IsBackground = true, Name = "slipway child reactor" }.Start();
        return epoll;
    }

    private static void Loop(int epoll)
    {
        var events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * EventSize));
        var buffer = (byte*)NativeMemory.Alloc(ReadSize);
        while (true)
        {
            var n = PosixNative.epoll_wait(epoll, events, MaxEvents, -1);
            if (n < 0)
            {
                // EINTR (a signal for the runtime) is the only failure a valid epoll fd can give.
                continue;
            }

            for (var i = 0; i < n; i++)
            {
                var token = *(long*)(events + (i * EventSize) + DataOffset);
                if (!Watches.TryGetValue(token, out var watch))
                {
                    continue;
                }

                bool finished;
                try
                {
                    finished = watch.OnReady(buffer);
                }
                catch (Exception)
                {
                    // A watch must not stop every other child's reaping; treat it as finished.
                    finished = true;
                }

                if (finished)
                {
                    Watches.TryRemove(token, out _);
                    PosixNative.epoll_ctl(epoll, PosixNative.EpollCtlDel, watch.Fd, null);
                    PosixNative.close(watch.Fd);
                }
            }
        }
    }

    /// <summary>The read size the reactor hands to <see cref="Watch.OnReady"/>.</summary>
    public static int BufferSize => ReadSize;
}
