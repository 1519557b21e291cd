using System.Globalization;
using Slipway.Testing;

namespace Slipway.Supervisor.Tests.Compat;

/// <summary>
/// <c>[supervisord] minfds=</c> and <c>minprocs=</c>: the daemon raises its own soft limits at start, so its children
/// inherit them. The daemon is started under <c>prlimit</c> with a low soft limit; the same expectations against
/// Debian's supervisord and the native daemon. (The managed daemon is left out: the .NET runtime it runs on raises
/// the soft RLIMIT_NOFILE to the hard limit by itself before any of our code runs.)
/// </summary>
public sealed class LimitsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] LowSoftLimit = ["/usr/bin/prlimit", "--nofile=256:8192", "--"];

    [Theory]
    [InlineData(Daemon.Supervisord)]
    [InlineData(Daemon.SlipwayNative)]
    public async Task Minfds_raises_the_soft_limit_children_inherit_and_says_so_in_the_main_log(string kind)
    {
        await using var d = await Daemon.StartAsync(kind, """
            [supervisord]
            minfds=2048

            [program:child]
            command=sleep 1500
            startsecs=0

            """, Ct, launcher: LowSoftLimit);
        await d.WaitForAsync("child", "RUNNING", Ct);
        OpenFiles(await PidAsync(d, "child")).ShouldBe((2048, 8192));
        (await File.ReadAllTextAsync(d.MainLog, Ct)).ShouldContain("INFO Increased RLIMIT_NOFILE limit to 2048");
    }

    [Theory]
    [InlineData(Daemon.Supervisord)]
    [InlineData(Daemon.SlipwayNative)]
    public async Task Minfds_above_the_hard_limit_raises_it_where_allowed_else_the_daemon_refuses_to_start(string kind)
    {
        if (await CanRaiseHardLimitAsync())
        {
            await using var d = await Daemon.StartAsync(kind, """
                [supervisord]
                minfds=16384

                [program:child]
                command=sleep 1501
                startsecs=0

                """, Ct, launcher: LowSoftLimit);
            await d.WaitForAsync("child", "RUNNING", Ct);
            OpenFiles(await PidAsync(d, "child")).ShouldBe((16384, 16384));
            return;
        }

        // Without CAP_SYS_RESOURCE (a container's root, or any other user): supervisord's usage error, on stderr, exit 2.
        using var dir = new TempDir("slipway-sv-");
        var config = dir.Write("supervisord.conf", $"""
            [supervisord]
            logfile={dir.File("supervisord.log")}
            pidfile={dir.File("supervisord.pid")}
            minfds=16384

            """);
        var daemon = kind == Daemon.Supervisord ? "/usr/bin/supervisord" : Daemon.NativeDaemon();
        var (code, stdout, stderr) = await ProcessTools.RunAsync(LowSoftLimit[0], [.. LowSoftLimit.Skip(1), daemon, "-n", "-c", config], Ct);
        code.ShouldBe(2);
        stdout.ShouldBeEmpty();
        stderr.ShouldStartWith("Error: The minimum number of file descriptors required to run this process is 16384 as per the \"minfds\" " +
            "command-line argument or config file setting. The current environment will only allow you to open 16384 file descriptors.  " +
            "Either raise the number of usable file descriptors in your environment (see README.rst) or lower the minfds setting in the " +
            "config file to allow the process to start.\n");
    }

    /// <summary>Whether a process here may raise its hard RLIMIT_NOFILE (root with CAP_SYS_RESOURCE).</summary>
    private static async Task<bool> CanRaiseHardLimitAsync() =>
        (await ProcessTools.RunAsync(LowSoftLimit[0], [.. LowSoftLimit.Skip(1), "/usr/bin/prlimit", "--nofile=16384:16384", "--", "true"], Ct)).ExitCode == 0;

    [Theory]
    [InlineData(Daemon.Supervisord)]
    [InlineData(Daemon.SlipwayNative)]
    public async Task A_soft_limit_already_above_minfds_is_left_alone(string kind)
    {
        await using var d = await Daemon.StartAsync(kind, """
            [program:child]
            command=sleep 1502
            startsecs=0

            """, Ct, launcher: ["/usr/bin/prlimit", "--nofile=4096:8192", "--"]);
        await d.WaitForAsync("child", "RUNNING", Ct);
        OpenFiles(await PidAsync(d, "child")).ShouldBe((4096, 8192));
        (await File.ReadAllTextAsync(d.MainLog, Ct)).ShouldNotContain("Increased RLIMIT_NOFILE");
    }

    private static async Task<int> PidAsync(Daemon d, string name) =>
        int.Parse((await d.CtlAsync(Ct, "pid", name)).Output.Trim(), CultureInfo.InvariantCulture);

    /// <summary>The soft and hard "Max open files" of a process, from /proc/PID/limits.</summary>
    private static (int Soft, int Hard) OpenFiles(int pid)
    {
        var line = File.ReadAllLines($"/proc/{pid}/limits").First(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var words = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (int.Parse(words[0], CultureInfo.InvariantCulture), int.Parse(words[1], CultureInfo.InvariantCulture));
    }
}
