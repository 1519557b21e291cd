using System.Globalization;

namespace Slipway.Supervisor.Native;

/// <summary>
/// Starts children with glibc's <c>posix_spawn</c> (which clones with CLONE_VFORK, so it stays fast however
/// large the daemon is). Why not <see cref="System.Diagnostics.Process"/>: it cannot put the child in its own
/// process group, set a umask or a user, close the daemon's other descriptors, or reset the signal
/// dispositions .NET changes (it ignores SIGPIPE, which children would inherit). Why not fork(): forking a
/// multi-threaded .NET runtime is unsafe. What posix_spawn does here, in the child before exec:
/// <list type="bullet">
/// <item>setpgid(0, 0) (POSIX_SPAWN_SETPGROUP): a process group of its own, as supervisord's setpgrp(),
/// so stopasgroup/killasgroup reach the whole group and a terminal's Ctrl-C does not;</item>
/// <item>every signal back to SIG_DFL and an empty signal mask;</item>
/// <item>dup2 of the pipe ends onto 0/1/2 (stderr onto stdout with redirect_stderr; for an fcgi-program the
/// daemon's listening socket onto 0 instead of a pipe), then closefrom(3);</item>
/// <item>chdir(directory) (posix_spawn_file_actions_addchdir_np).</item>
/// </list>
/// posix_spawn has no umask or setuid step, so a program with <c>umask=</c> or <c>user=</c> is started through
/// <c>/bin/sh -c 'umask NNN; exec "$0" "$@"'</c> and util-linux <c>setpriv --reuid --regid --init-groups</c>:
/// both exec in place, so the pid supervisord reports is still the program's.
/// </summary>
public sealed unsafe class PosixSpawner : IProcessSpawner
{
    public SpawnedChild Spawn(SpawnRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var argv = Wrap(request);
        var path = request.User is null && request.Umask is null ? request.Path : argv[0];
        var fds = stackalloc int[6];
        for (var i = 0; i < 6; i++)
        {
            fds[i] = -1;
        }

        try
        {
            if (request.StdinFd is null)
            {
                Pipe(fds + 0); // stdin: child reads [0], we write [1]
            }

            Pipe(fds + 2); // stdout: we read [2], child writes [3]
            if (!request.RedirectStderr)
            {
                Pipe(fds + 4);
            }

            var pid = SpawnCore(path, argv, request, request.StdinFd ?? fds[0], fds[3], request.RedirectStderr ? fds[3] : fds[5]);
            if (fds[0] >= 0)
            {
                Posix.close(fds[0]);
            }

            Posix.close(fds[3]);
            if (!request.RedirectStderr)
            {
                Posix.close(fds[5]);
            }

            foreach (var fd in new[] { fds[1], fds[2], fds[4] })
            {
                if (fd >= 0)
                {
                    Posix.fcntl(fd, Posix.FSetFl, Posix.fcntl(fd, Posix.FGetFl, 0) | Posix.ONonBlock);
                }
            }

            // A larger pipe (1 MiB instead of 64 KiB; best effort, capped by /proc/sys/fs/pipe-max-size) lets a chatty
            // program write on while the output thread is busy elsewhere, and halves the reads per megabyte.
            foreach (var fd in new[] { fds[2], fds[4] })
            {
                if (fd >= 0)
                {
                    _ = Posix.fcntl(fd, Posix.FSetPipeSize, 1 << 20);
                }
            }

            return new SpawnedChild(pid, fds[1], fds[2], fds[4]);
        }
        catch
        {
            for (var i = 0; i < 6; i++)
            {
                if (fds[i] >= 0)
                {
                    Posix.close(fds[i]);
                }
            }

            throw;
        }
    }

    internal static List<string> Wrap(SpawnRequest request)
    {
        // argv[0] stays as written in the command (supervisord execs the resolved path with the original argv).
        var argv = new List<string>(request.Argv);
        if (request.User is not null || request.Umask is not null)
        {
            argv[0] = request.Path; // the wrappers exec "$0": give them the resolved path
        }
        if (request.User is not null)
        {
            var (uid, gid) = LookUpUser(request.User);
            if (Posix.geteuid() != 0)
            {
                if (uid != Posix.geteuid())
                {
                    throw new SpawnException("Can't drop privilege as nonroot user");
                }
            }
            else
            {
                argv.InsertRange(0, ["/usr/bin/setpriv", "--reuid=" + uid.ToString(CultureInfo.InvariantCulture),
                    "--regid=" + gid.ToString(CultureInfo.InvariantCulture), "--init-groups", "--"]);
            }
        }

        if (request.Umask is { } umask)
        {
            argv.InsertRange(0, ["/bin/sh", "-c", "umask " + Convert.ToString(umask, 8).PadLeft(3, '0') + "; exec \"$0\" \"$@\""]);
        }

        return argv;
    }

    internal static (uint Uid, uint Gid) LookUpUser(string user)
    {
        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var parts = line.Split(':');
            if (parts.Length >= 4 && (parts[0] == user || parts[2] == user))
            {
                return (uint.Parse(parts[2], CultureInfo.InvariantCulture), uint.Parse(parts[3], CultureInfo.InvariantCulture));
            }
        }

        throw new SpawnException($"Invalid user name {user}");
    }

    private static void Pipe(int* pair)
    {
        if (Posix.pipe2(pair, Posix.OCloExec) != 0)
        {
            var errno = Posix.Errno;
            throw new SpawnException(errno == 24 ? "Too many processes in process table to spawn" : "pipe(): " + Posix.StrError(errno));
        }
    }

    private static int SpawnCore(string path, List<string> argv, SpawnRequest request, int stdin, int stdout, int stderr)
    {
        var attr = stackalloc byte[Posix.SpawnAttrSize];
        var actions = stackalloc byte[Posix.FileActionsSize];
        var sigmask = stackalloc byte[Posix.SigSetSize];
        var sigdefault = stackalloc byte[Posix.SigSetSize];
        Check(Posix.posix_spawnattr_init(attr), "posix_spawnattr_init");
        Check(Posix.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
        using var strings = new NativeStrings();
        try
        {
            Check(Posix.sigemptyset(sigmask), "sigemptyset");
            Check(Posix.sigfillset(sigdefault), "sigfillset");
            // sigfillset leaves out glibc's internal real-time signals 32 and 33, which the .NET runtime ignores;
            // set their bits by hand so the child does not inherit SIG_IGN for them either.
            *(ulong*)sigdefault |= (1UL << 31) | (1UL << 32);
            Check(Posix.posix_spawnattr_setsigmask(attr, sigmask), "posix_spawnattr_setsigmask");
            Check(Posix.posix_spawnattr_setsigdefault(attr, sigdefault), "posix_spawnattr_setsigdefault");
            Check(Posix.posix_spawnattr_setpgroup(attr, 0), "posix_spawnattr_setpgroup");
            Check(Posix.posix_spawnattr_setflags(attr, Posix.SpawnSetPGroup | Posix.SpawnSetSigDef | Posix.SpawnSetSigMask), "posix_spawnattr_setflags");

            Check(Posix.posix_spawn_file_actions_adddup2(actions, stdin, 0), "posix_spawn_file_actions_adddup2");
            Check(Posix.posix_spawn_file_actions_adddup2(actions, stdout, 1), "posix_spawn_file_actions_adddup2");
            Check(Posix.posix_spawn_file_actions_adddup2(actions, stderr, 2), "posix_spawn_file_actions_adddup2");
            Check(Posix.posix_spawn_file_actions_addclosefrom_np(actions, 3), "posix_spawn_file_actions_addclosefrom_np");
            if (request.Directory is not null)
            {
                Check(Posix.posix_spawn_file_actions_addchdir_np(actions, strings.Utf8(request.Directory)), "posix_spawn_file_actions_addchdir_np");
            }

            var argvPtr = strings.Array(argv);
            var envPtr = strings.Array(request.Environment.Select(e => e.Key + "=" + e.Value).ToList());
            // posix_spawn is thread-safe: the daemon starts batches on several threads (every pipe is O_CLOEXEC and the
            // child closes everything above 2 anyway).
            var rc = Posix.posix_spawn(out var pid, strings.Utf8(path), actions, attr, argvPtr, envPtr);

            if (rc != 0)
            {
                // glibc reports a failed exec (and a failed chdir) as posix_spawn's result, before any child runs.
                throw new SpawnException(request.Directory is not null && rc == 2 && File.Exists(path)
                    ? $"couldn't chdir to {request.Directory}: ENOENT"
                    : $"couldn't exec {path}: {ErrnoName(rc)}");
            }

            return pid;
        }
        finally
        {
            _ = Posix.posix_spawn_file_actions_destroy(actions);
            _ = Posix.posix_spawnattr_destroy(attr);
        }
    }

    private static void Check(int rc, string what)
    {
        if (rc != 0)
        {
            throw new SpawnException($"{what}() failed: {ErrnoName(rc)}");
        }
    }

    private static string ErrnoName(int errno) => errno switch
    {
        2 => "ENOENT",
        13 => "EACCES",
        8 => "ENOEXEC",
        20 => "ENOTDIR",
        _ => "errno " + errno.ToString(CultureInfo.InvariantCulture),
    };
}
