using System.Globalization;
using Slipway.Testing;

namespace Slipway.Supervisor.Tests.Compat;

/// <summary>
/// Options that need root (the tests run as root here; elsewhere they are skipped, and fail under CI): the socket's
/// <c>chown=</c>, <c>[supervisord] user=</c> (the daemon drops root) and <c>[program:x] user=</c>. The same
/// expectations against Debian's supervisord and slipway supervise.
/// </summary>
public sealed class PrivilegeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const uint Nobody = 65534;

    private static void RequireRoot() =>
        Requires.Check(Environment.UserName == "root", "these tests need root", Environment.GetEnvironmentVariable("CI"));

    [Theory]
    [InlineData(Daemon.Supervisord)]
    [InlineData(Daemon.Slipway)]
    public async Task Socket_chown_and_program_user(string kind)
    {
        RequireRoot();
        await using var d = await Daemon.StartAsync(kind, """
            [unix_http_server]
            chown=nobody:nogroup
            chmod=0770

            [program:asnobody]
            command=sleep 1400
            startsecs=0
            user=nobody

            """, Ct);
        await d.WaitForAsync("asnobody", "RUNNING", Ct);
        (await OwnerAsync(d.Socket)).ShouldBe((Nobody, Nobody));
        var pid = int.Parse((await d.CtlAsync(Ct, "pid", "asnobody")).Output.Trim(), CultureInfo.InvariantCulture);
        Ids(pid).ShouldBe((Nobody, Nobody));
    }

    [Theory]
    [InlineData(Daemon.Supervisord)]
    [InlineData(Daemon.Slipway)]
    public async Task The_daemon_drops_root_for_the_user_and_its_children_run_as_that_user(string kind)
    {
        RequireRoot();
        await using var d = await Daemon.StartAsync(kind, """
            [supervisord]
            user=nobody

            [program:child]
            command=sleep 1401
            startsecs=0

            """, Ct, prepare: dir => File.SetUnixFileMode(dir.Path, (UnixFileMode)Convert.ToInt32("777", 8)));
        await d.WaitForAsync("child", "RUNNING", Ct);
        var daemonPid = int.Parse((await d.CtlAsync(Ct, "pid")).Output.Trim(), CultureInfo.InvariantCulture);
        Ids(daemonPid).ShouldBe((Nobody, Nobody));
        var pid = int.Parse((await d.CtlAsync(Ct, "pid", "child")).Output.Trim(), CultureInfo.InvariantCulture);
        Ids(pid).ShouldBe((Nobody, Nobody));
        (await OwnerAsync(d.Socket)).Uid.ShouldBe(Nobody); // created after dropping root
    }

    [Theory]
    [InlineData(Daemon.Supervisord)]
    [InlineData(Daemon.Slipway)]
    public async Task An_fcgi_programs_socket_belongs_to_its_user_or_to_socket_owner_with_socket_mode(string kind)
    {
        RequireRoot();
        await using var d = await Daemon.StartAsync(kind, """
            [fcgi-program:asnobody]
            command=sleep 1402
            socket=unix://{dir}/asnobody.sock
            startsecs=0
            user=nobody

            [fcgi-program:owned]
            command=sleep 1403
            socket=unix://{dir}/owned.sock
            socket_owner=nobody
            socket_mode=0662
            startsecs=0

            """, Ct);
        await d.WaitForAsync("asnobody", "RUNNING", Ct);
        await d.WaitForAsync("owned", "RUNNING", Ct);
        (await OwnerAsync(d.Dir.File("asnobody.sock"))).ShouldBe((Nobody, Nobody)); // the program's user and its group
        File.GetUnixFileMode(d.Dir.File("asnobody.sock")).ShouldBe((UnixFileMode)Convert.ToInt32("700", 8));
        (await OwnerAsync(d.Dir.File("owned.sock"))).ShouldBe((Nobody, 0u)); // no group given: left as it was
        File.GetUnixFileMode(d.Dir.File("owned.sock")).ShouldBe((UnixFileMode)Convert.ToInt32("662", 8));
    }

    private static async Task<(uint Uid, uint Gid)> OwnerAsync(string path)
    {
        var (_, stdout, _) = await ProcessTools.RunAsync("stat", ["-c", "%u %g", path], Ct);
        var parts = stdout.Trim().Split(' ');
        return (uint.Parse(parts[0], CultureInfo.InvariantCulture), uint.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    /// <summary>Real uid and gid from /proc/PID/status.</summary>
    private static (uint Uid, uint Gid) Ids(int pid)
    {
        var lines = File.ReadAllLines($"/proc/{pid}/status");
        uint Field(string name) => uint.Parse(lines.First(l => l.StartsWith(name, StringComparison.Ordinal)).Split('\t')[1], CultureInfo.InvariantCulture);
        return (Field("Uid:"), Field("Gid:"));
    }
}
