using System.Text;
using Slipway.Supervisor.Native;
using Slipway.Testing;

namespace Slipway.Supervisor.Tests;

/// <summary>Proves what the launcher promises, by asking the child about itself.</summary>
public sealed class PosixSpawnerTests
{
    private static readonly KeyValuePair<string, string>[] Env = [new("PATH", "/usr/bin:/bin"), new("MARK", "x y")];

    private static unsafe (int Status, string Stdout, string Stderr) Run(SpawnRequest request)
    {
        var child = new PosixSpawner().Spawn(request);
        Posix.close(child.StdinFd);
        Posix.waitpid(child.Pid, out var status, 0).ShouldBe(child.Pid);
        return (status, ReadAll(child.StdoutFd), child.StderrFd >= 0 ? ReadAll(child.StderrFd) : "");
    }

    private static unsafe string ReadAll(int fd)
    {
        var result = new MemoryStream();
        var buffer = new byte[65536];
        fixed (byte* p = buffer)
        {
            nint n;
            while ((n = Posix.read(fd, p, buffer.Length)) > 0)
            {
                result.Write(buffer, 0, (int)n);
            }
        }

        Posix.close(fd);
        return Encoding.UTF8.GetString(result.ToArray());
    }

    private static SpawnRequest Sh(string script, string? dir = null, int? umask = null, bool redirect = false, string? user = null) =>
        new("/bin/sh", ["sh", "-c", script], Env, dir, umask, user, redirect);

    [Fact]
    public void The_child_leads_its_own_process_group()
    {
        var (_, stdout, _) = Run(Sh("echo $$ $(ps -o pgid= -p $$)"));
        var parts = stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        parts[1].ShouldBe(parts[0]);
        parts[1].ShouldNotBe(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Only_stdin_stdout_and_stderr_are_inherited()
    {
        // Open a descriptor without CLOEXEC in the parent: closefrom(3) must still keep it from the child.
        var leaked = Posix.open("/dev/null", Posix.OReadOnly, 0);
        try
        {
            var (_, stdout, _) = Run(Sh("ls /proc/$$/fd"));
            stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldBe(["0", "1", "2"]);
        }
        finally
        {
            Posix.close(leaked);
        }
    }

    [Fact]
    public void Signals_are_back_to_default_so_sigpipe_is_not_ignored()
    {
        // .NET ignores SIGPIPE in its own process; a child must not inherit that.
        var (_, stdout, _) = Run(Sh("exec grep -E '^Sig(Ign|Blk)' /proc/self/status"));
        stdout.ShouldBe("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
    }

    [Fact]
    public void Umask_directory_and_environment_are_applied_and_the_pid_is_the_programs()
    {
        using var dir = new TempDir();
        var child = new PosixSpawner().Spawn(Sh("umask; pwd; echo \"$MARK\"; echo $$", dir.Path, umask: Convert.ToInt32("027", 8)));
        Posix.close(child.StdinFd);
        Posix.waitpid(child.Pid, out _, 0);
        var lines = ReadAll(child.StdoutFd).Split('\n');
        ReadAll(child.StderrFd);
        lines[0].ShouldBe("0027");
        lines[1].ShouldBe(dir.Path);
        lines[2].ShouldBe("x y");
        lines[3].ShouldBe(child.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)); // the umask wrapper exec'd in place
    }

    [Fact]
    public unsafe void A_given_descriptor_becomes_the_childs_fd_0_instead_of_a_stdin_pipe()
    {
        // What an fcgi-program's child gets: the daemon's descriptor (O_CLOEXEC there) dup2'd onto 0.
        var pair = stackalloc int[2];
        Posix.pipe2(pair, Posix.OCloExec).ShouldBe(0);
        var hello = "hello from the daemon"u8.ToArray();
        fixed (byte* p = hello)
        {
            Posix.write(pair[1], p, hello.Length).ShouldBe(hello.Length);
        }

        Posix.close(pair[1]);
        var child = new PosixSpawner().Spawn(Sh("cat; ls /proc/$$/fd") with { StdinFd = pair[0] });
        Posix.close(pair[0]);
        child.StdinFd.ShouldBe(-1);
        Posix.waitpid(child.Pid, out _, 0).ShouldBe(child.Pid);
        ReadAll(child.StdoutFd).ShouldBe("hello from the daemon0\n1\n2\n");
        Posix.close(child.StderrFd);
    }

    [Fact]
    public void Redirect_stderr_sends_both_streams_down_one_pipe()
    {
        var (_, stdout, stderr) = Run(Sh("echo out; echo err >&2", redirect: true));
        stdout.ShouldBe("out\nerr\n");
        stderr.ShouldBe("");
        Run(Sh("echo out; echo err >&2")).Stderr.ShouldBe("err\n");
    }

    [Fact]
    public void User_drops_privileges_when_root()
    {
        if (Posix.geteuid() != 0)
        {
            Should.Throw<SpawnException>(() => Run(Sh("id -u", user: "root"))).Message.ShouldBe("Can't drop privilege as nonroot user");
            return;
        }

        Run(Sh("id -u; id -g", user: "nobody")).Stdout.ShouldBe("65534\n65534\n");
    }

    [Fact]
    public void A_program_that_cannot_run_is_a_spawn_error()
    {
        Should.Throw<SpawnException>(() => new PosixSpawner().Spawn(new SpawnRequest("/nonexistent/prog", ["prog"], Env)))
            .Message.ShouldBe("couldn't exec /nonexistent/prog: ENOENT");
    }
}
