using System.Runtime.InteropServices;

namespace Slipway.Core.Posix;

/// <summary>The libc calls <see cref="CapturedProcess"/> needs (Linux, glibc ≥ 2.36 for the pidfd wrappers).</summary>
internal static unsafe partial class PosixNative
{
    public const int OCloexec = 0x80000;
    public const int ORdonly = 0;
    public const int Sigkill = 9;
    public const int Eintr = 4;
    public const int Etxtbsy = 26;
    public const int Wnohang = 1;

    public const short SpawnSetPgroup = 0x02;
    public const short SpawnSetSigDef = 0x04;
    public const short SpawnSetSigMask = 0x08;

    public const int EpollCtlAdd = 1;
    public const int EpollCtlDel = 2;
    public const uint EpollIn = 0x001;
    public const uint EpollHup = 0x010;
    public const uint EpollErr = 0x008;

    /// <summary>
    /// Bigger than glibc's posix_spawnattr_t (336 bytes on 64-bit), posix_spawn_file_actions_t (80) and sigset_t (128),
    /// so one size fits every opaque struct this passes by pointer.
    /// </summary>
    public const int OpaqueSize = 512;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int pipe2(int* fds, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int kill(int pid, int signal);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int waitpid(int pid, int* status, int options);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int pidfd_open(int pid, uint flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_ctl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_wait(int epfd, byte* events, int maxEvents, int timeout);

    [LibraryImport("libc")]
    public static partial int posix_spawnp(int* pid, byte* file, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport("libc")]
    public static partial int posix_spawn_file_actions_init(void* actions);

    [LibraryImport("libc")]
    public static partial int posix_spawn_file_actions_destroy(void* actions);

    [LibraryImport("libc")]
    public static partial int posix_spawn_file_actions_adddup2(void* actions, int fd, int newFd);

    [LibraryImport("libc")]
    public static partial int posix_spawn_file_actions_addopen(void* actions, int fd, byte* path, int flags, uint mode);

    [LibraryImport("libc")]
    public static partial int posix_spawnattr_init(void* attributes);

    [LibraryImport("libc")]
    public static partial int posix_spawnattr_destroy(void* attributes);

    [LibraryImport("libc")]
    public static partial int posix_spawnattr_setflags(void* attributes, short flags);

    [LibraryImport("libc")]
    public static partial int posix_spawnattr_setpgroup(void* attributes, int pgroup);

    [LibraryImport("libc")]
    public static partial int posix_spawnattr_setsigmask(void* attributes, void* mask);

    [LibraryImport("libc")]
    public static partial int posix_spawnattr_setsigdefault(void* attributes, void* set);

    [LibraryImport("libc")]
    public static partial int sigemptyset(void* set);

    [LibraryImport("libc")]
    public static partial int sigfillset(void* set);
}
