using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text;

namespace Slipway.Core.Posix;

/// <summary>
/// A child started with posix_spawnp whose stdout and stderr are captured (each up to a cap; the rest is read and
/// dropped) and whose exit is reported through a pidfd, all by <see cref="ChildReactor"/>'s one epoll thread. The child
/// gets /dev/null as stdin, default signal handlers and an empty signal mask, and leads a process group of its own, so
/// <see cref="KillProcessGroup"/> also takes whatever it started (unless that left the group).
/// Linux only (pidfd: kernel 5.3, glibc 2.36); <see cref="IsSupported"/> says whether it works here.
/// </summary>
public sealed unsafe class CapturedProcess
{
    private static readonly Lazy<bool> Supported = new(Probe);
    private static readonly Lazy<string[]> InheritedEnvironment = new(() =>
        [.. Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>().Select(e => $"{e.Key}={e.Value}")]);

    private readonly OutputPipe _stdout;
    private readonly OutputPipe _stderr;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _pidfd;
    private int _openPipes = 2;
    private readonly Lock _gate = new();
    private bool _reaped;

    private CapturedProcess(int pid, int pidfd, int stdoutFd, int stderrFd, int maxBytes)
    {
        Id = pid;
        _pidfd = pidfd;
        _stdout = new OutputPipe(this, stdoutFd, maxBytes);
        _stderr = new OutputPipe(this, stderrFd, maxBytes);
    }

    /// <summary>True on Linux with pidfd_open (kernel 5.3+, glibc 2.36+).</summary>
    public static bool IsSupported => Supported.Value;

    public int Id { get; }

    /// <summary>
    /// The exit code once the child has exited and been reaped: its own code, or 128 + the signal that ended it (as a
    /// shell says it, and as System.Diagnostics.Process does).
    /// </summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>Completes when both stdout and stderr reached end of file (every process holding them has gone).</summary>
    public Task OutputClosed => _outputClosed.Task;

    /// <summary>
    /// Starts <paramref name="argv"/> (argv[0] looked up in PATH) with this process's environment plus
    /// <paramref name="environment"/>. Keeps at most <paramref name="maxBytes"/> of each output stream.
    /// </summary>
    /// <exception cref="Win32Exception">The program could not be started (missing, not executable, ...).</exception>
    public static CapturedProcess Start(IReadOnlyList<string> argv, IEnumerable<KeyValuePair<string, string>> environment, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(argv);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentOutOfRangeException.ThrowIfZero(argv.Count);
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("CapturedProcess needs Linux with pidfd_open (kernel 5.3, glibc 2.36)");
        }

        var env = MergedEnvironment(environment);
        var stdoutPipe = stackalloc int[2];
        var stderrPipe = stackalloc int[2];
        if (PosixNative.pipe2(stdoutPipe, PosixNative.OCloexec) != 0)
        {
            throw LastError("pipe2");
        }

        if (PosixNative.pipe2(stderrPipe, PosixNative.OCloexec) != 0)
        {
            var e = LastError("pipe2");
            CloseAll(stdoutPipe[0], stdoutPipe[1]);
            throw e;
        }

        int pid;
        try
        {
            pid = Spawn(argv, env, stdoutPipe[1], stderrPipe[1]);
        }
        catch
        {
            CloseAll(stdoutPipe[0], stdoutPipe[1], stderrPipe[0], stderrPipe[1]);
            throw;
        }

        // The child has its copies; ours of the write ends must go, or the read ends never see EOF.
        CloseAll(stdoutPipe[1], stderrPipe[1]);
        // Nobody else reaps our children (the runtime only waits for its own Process objects), so the pid is still ours.
        var pidfd = PosixNative.pidfd_open(pid, 0);
        if (pidfd < 0)
        {
            var e = LastError("pidfd_open");
            PosixNative.kill(pid, PosixNative.Sigkill);
            PosixNative.waitpid(pid, null, 0);
            CloseAll(stdoutPipe[0], stderrPipe[0]);
            throw e;
        }

        var process = new CapturedProcess(pid, pidfd, stdoutPipe[0], stderrPipe[0], maxBytes);
        ChildReactor.Add(process._stdout);
        ChildReactor.Add(process._stderr);
        ChildReactor.Add(new ExitWatch(process));
        return process;
    }

    /// <summary>What the child wrote to stdout so far (up to the cap), as UTF-8 (invalid bytes replaced, a BOM dropped).</summary>
    public string Stdout() => _stdout.Text();

    public string Stderr() => _stderr.Text();

    /// <summary>
    /// SIGKILL to the child's process group (itself and all it started that stayed in the group, even after the child
    /// itself exited), and to the child itself in case it moved to another group.
    /// </summary>
    public void KillProcessGroup()
    {
        lock (_gate)
        {
            // Once the child is reaped and every holder of its pipes is gone, the ids may belong to someone else.
            if (_reaped && _outputClosed.Task.IsCompleted)
            {
                return;
            }

            PosixNative.kill(-Id, PosixNative.Sigkill);
            if (!_reaped)
            {
                PosixNative.kill(Id, PosixNative.Sigkill);
            }
        }
    }

    private static int Spawn(IReadOnlyList<string> argv, string[] env, int stdoutFd, int stderrFd)
    {
        var actions = NativeMemory.AllocZeroed(PosixNative.OpaqueSize);
        var attributes = NativeMemory.AllocZeroed(PosixNative.OpaqueSize);
        var signals = NativeMemory.AllocZeroed(PosixNative.OpaqueSize);
        var strings = new NativeStrings(argv, env);
        try
        {
            var devNull = stackalloc byte[] { (byte)'/', (byte)'d', (byte)'e', (byte)'v', (byte)'/', (byte)'n', (byte)'u', (byte)'l', (byte)'l', 0 };
            Ensure(PosixNative.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
            Ensure(PosixNative.posix_spawn_file_actions_addopen(actions, 0, devNull, PosixNative.ORdonly, 0), "posix_spawn_file_actions_addopen");
            Ensure(PosixNative.posix_spawn_file_actions_adddup2(actions, stdoutFd, 1), "posix_spawn_file_actions_adddup2");
            Ensure(PosixNative.posix_spawn_file_actions_adddup2(actions, stderrFd, 2), "posix_spawn_file_actions_adddup2");
            Ensure(PosixNative.posix_spawnattr_init(attributes), "posix_spawnattr_init");
            Ensure(PosixNative.posix_spawnattr_setflags(attributes, PosixNative.SpawnSetPgroup | PosixNative.SpawnSetSigMask | PosixNative.SpawnSetSigDef), "posix_spawnattr_setflags");
            Ensure(PosixNative.posix_spawnattr_setpgroup(attributes, 0), "posix_spawnattr_setpgroup");
            // The runtime blocks and ignores signals (SIGPIPE among them) that a plugin expects at their defaults.
            Ensure(PosixNative.sigemptyset(signals), "sigemptyset");
            Ensure(PosixNative.posix_spawnattr_setsigmask(attributes, signals), "posix_spawnattr_setsigmask");
            Ensure(PosixNative.sigfillset(signals), "sigfillset");
            Ensure(PosixNative.posix_spawnattr_setsigdefault(attributes, signals), "posix_spawnattr_setsigdefault");

            int pid;
            for (var attempt = 1; ; attempt++)
            {
                var error = PosixNative.posix_spawnp(&pid, strings.Argv[0], actions, attributes, strings.Argv, strings.Envp);
                if (error == 0)
                {
                    return pid;
                }

                // ETXTBSY: another thread's child still had the script open for writing between its fork and exec.
                if (error != PosixNative.Etxtbsy || attempt == 5)
                {
                    throw new Win32Exception(error, $"{Marshal.GetPInvokeErrorMessage(error)}");
                }

                Thread.Sleep(10 * attempt);
            }
        }
        finally
        {
            _ = PosixNative.posix_spawn_file_actions_destroy(actions);
            _ = PosixNative.posix_spawnattr_destroy(attributes);
            NativeMemory.Free(actions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(signals);
            strings.Free();
        }
    }

    private static string[] MergedEnvironment(IEnumerable<KeyValuePair<string, string>> extra)
    {
        var inherited = InheritedEnvironment.Value;
        List<string>? added = null;
        HashSet<string>? names = null;
        foreach (var (name, value) in extra)
        {
            (added ??= []).Add($"{name}={value}");
            (names ??= new HashSet<string>(StringComparer.Ordinal)).Add(name);
        }

        if (added is null)
        {
            return inherited;
        }

        foreach (var entry in inherited)
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (!names!.Contains(eq < 0 ? entry : entry[..eq]))
            {
                added.Add(entry);
            }
        }

        return [.. added];
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            var fd = PosixNative.pidfd_open(Environment.ProcessId, 0);
            if (fd < 0)
            {
                return false;
            }

            PosixNative.close(fd);
            return true;
        }
        catch (EntryPointNotFoundException)
        {
            return false; // glibc older than 2.36
        }
        catch (DllNotFoundException)
        {
            return false;
        }
    }

    /// <summary>The posix_spawn helpers return an errno (sigemptyset and sigfillset -1), never set errno.</summary>
    private static void Ensure(int result, string call)
    {
        if (result != 0)
        {
            throw new Win32Exception(result, $"{call} failed ({result})");
        }
    }

    private static Win32Exception LastError(string call)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new Win32Exception(errno, $"{call}: {Marshal.GetPInvokeErrorMessage(errno)}");
    }

    private static void CloseAll(params ReadOnlySpan<int> fds)
    {
        foreach (var fd in fds)
        {
            PosixNative.close(fd);
        }
    }

    private void PipeClosed()
    {
        if (Interlocked.Decrement(ref _openPipes) == 0)
        {
            _outputClosed.TrySetResult();
        }
    }

    /// <summary>argv and envp as NUL-terminated UTF-8 in one native block, with their pointer arrays.</summary>
    private readonly struct NativeStrings
    {
        private readonly byte* _block;

        public NativeStrings(IReadOnlyList<string> argv, string[] env)
        {
            var bytes = 0;
            foreach (var s in argv)
            {
                bytes += Encoding.UTF8.GetByteCount(s) + 1;
            }

            foreach (var s in env)
            {
                bytes += Encoding.UTF8.GetByteCount(s) + 1;
            }

            var pointers = argv.Count + 1 + env.Length + 1;
            _block = (byte*)NativeMemory.Alloc((nuint)((pointers * sizeof(byte*)) + bytes));
            Argv = (byte**)_block;
            Envp = Argv + argv.Count + 1;
            var text = _block + (pointers * sizeof(byte*));
            for (var i = 0; i < argv.Count; i++)
            {
                Argv[i] = text;
                text = Put(argv[i], text);
            }

            Argv[argv.Count] = null;
            for (var i = 0; i < env.Length; i++)
            {
                Envp[i] = text;
                text = Put(env[i], text);
            }

            Envp[env.Length] = null;
        }

        public byte** Argv { get; }

        public byte** Envp { get; }

        public void Free() => NativeMemory.Free(_block);

        private static byte* Put(string s, byte* at)
        {
            var n = Encoding.UTF8.GetBytes(s, new Span<byte>(at, int.MaxValue));
            at[n] = 0;
            return at + n + 1;
        }
    }

    private sealed class OutputPipe(CapturedProcess owner, int fd, int maxBytes) : ChildReactor.Watch(fd)
    {
        private byte[] _bytes = [];
        private int _length;

        public override bool OnReady(byte* buffer)
        {
            var n = PosixNative.read(Fd, buffer, ChildReactor.BufferSize);
            if (n < 0 && Marshal.GetLastPInvokeError() == PosixNative.Eintr)
            {
                return false;
            }

            if (n <= 0)
            {
                owner.PipeClosed();
                return true;
            }

            var keep = (int)Math.Min(n, maxBytes - _length);
            if (keep > 0)
            {
                lock (this)
                {
                    if (_bytes.Length < _length + keep)
                    {
                        Array.Resize(ref _bytes, Math.Min(maxBytes, Math.Max(256, Math.Max(_length + keep, _bytes.Length * 2))));
                    }

                    new ReadOnlySpan<byte>(buffer, keep).CopyTo(_bytes.AsSpan(_length));
                    _length += keep;
                }
            }

            return false;
        }

        public string Text()
        {
            lock (this)
            {
                var span = _bytes.AsSpan(0, _length);
                if (span.StartsWith(Encoding.UTF8.Preamble))
                {
                    span = span[3..];
                }

                return Encoding.UTF8.GetString(span);
            }
        }
    }

    private sealed class ExitWatch(CapturedProcess owner) : ChildReactor.Watch(owner._pidfd)
    {
        public override bool OnReady(byte* buffer)
        {
            int status;
            var pid = PosixNative.waitpid(owner.Id, &status, PosixNative.Wnohang);
            if (pid == 0 || (pid < 0 && Marshal.GetLastPInvokeError() == PosixNative.Eintr))
            {
                return false; // not yet a zombie (should not happen once the pidfd is readable)
            }

            lock (owner._gate)
            {
                owner._reaped = true;
            }

            // pid < 0: ECHILD, someone else reaped it; its code is lost.
            var code = pid < 0 ? -1 : (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
            owner._exited.TrySetResult(code);
            return true;
        }
    }
}
