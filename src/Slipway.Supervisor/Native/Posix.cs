using System.Runtime.InteropServices;

namespace Slipway.Supervisor.Native;

/// <summary>The few libc calls the daemon needs that .NET does not expose (glibc, Linux).</summary>
internal static unsafe partial class Posix
{
    private const string Libc = "libc";

    public const int OReadOnly = 0;
    public const int OWriteOnly = 1;
    public const int OCreate = 0x40;
    public const int OTruncate = 0x200;
    public const int OAppend = 0x400;
    public const int ONonBlock = 0x800;
    public const int OCloExec = 0x80000;
    public const int FSetFl = 4;
    public const int FGetFl = 3;
    public const int FSetPipeSize = 1031;
    public const int WNoHang = 1;
    public const int EIntr = 4;
    public const int EAgain = 11;
    public const int EChild = 10;
    public const int ESrch = 3;
    public const int EPipe = 32;
    public const int SeekEnd = 2;

    public const short SpawnSetPGroup = 0x02;
    public const short SpawnSetSigDef = 0x04;
    public const short SpawnSetSigMask = 0x08;
    public const short SpawnSetSid = 0x80;

    // posix_spawnattr_t is 336 bytes and posix_spawn_file_actions_t 80 on glibc x86-64/arm64; room to spare.
    public const int SpawnAttrSize = 1024;
    public const int FileActionsSize = 256;
    public const int SigSetSize = 256;

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int posix_spawn(out int pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);

    [LibraryImport(Libc)]
    public static partial int posix_spawnattr_init(void* attr);

    [LibraryImport(Libc)]
    public static partial int posix_spawnattr_destroy(void* attr);

    [LibraryImport(Libc)]
    public static partial int posix_spawnattr_setflags(void* attr, short flags);

    [LibraryImport(Libc)]
    public static partial int posix_spawnattr_setpgroup(void* attr, int pgroup);

    [LibraryImport(Libc)]
    public static partial int posix_spawnattr_setsigmask(void* attr, void* sigset);

    [LibraryImport(Libc)]
    public static partial int posix_spawnattr_setsigdefault(void* attr, void* sigset);

    [LibraryImport(Libc)]
    public static partial int posix_spawn_file_actions_init(void* actions);

    [LibraryImport(Libc)]
    public static partial int posix_spawn_file_actions_destroy(void* actions);

    [LibraryImport(Libc)]
    public static partial int posix_spawn_file_actions_adddup2(void* actions, int fd, int newFd);

    [LibraryImport(Libc)]
    public static partial int posix_spawn_file_actions_addclose(void* actions, int fd);

    [LibraryImport(Libc)]
    public static partial int posix_spawn_file_actions_addchdir_np(void* actions, byte* path);

    [LibraryImport(Libc)]
    public static partial int posix_spawn_file_actions_addclosefrom_np(void* actions, int from);

    [LibraryImport(Libc)]
    public static partial int sigemptyset(void* set);

    [LibraryImport(Libc)]
    public static partial int sigfillset(void* set);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int pipe2(int* fds, int flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int fcntl(int fd, int cmd, int arg);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int waitpid(int pid, out int status, int options);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int kill(int pid, int sig);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint read(int fd, byte* buffer, nint count);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint write(int fd, byte* buffer, nint count);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags, int mode);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial long lseek(int fd, long offset, int whence);

    [LibraryImport(Libc)]
    public static partial uint geteuid();

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int epoll_create1(int flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int epoll_ctl(int epfd, int op, int fd, byte* ev);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int epoll_wait(int epfd, byte* events, int maxEvents, int timeout);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int eventfd(uint initval, int flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    public static int Errno => Marshal.GetLastPInvokeError();

    public static bool WIfExited(int status) => (status & 0x7f) == 0;

    public static int WExitStatus(int status) => (status >> 8) & 0xff;

    public static bool WIfSignaled(int status) => ((status & 0x7f) + 1) >> 1 > 0 && (status & 0x7f) != 0x7f;

    public static int WTermSig(int status) => status & 0x7f;

    public static bool WCoreDump(int status) => (status & 0x80) != 0;

    public static string StrError(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}

internal static partial class PosixMisc
{
    [System.Runtime.InteropServices.LibraryImport("libc")]
    public static partial int umask(int mask);
}
