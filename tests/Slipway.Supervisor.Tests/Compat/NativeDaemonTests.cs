using System.Globalization;

namespace Slipway.Supervisor.Tests.Compat;

/// <summary>
/// `slipway supervise` hands over to the Native AOT daemon when it is installed beside the CLI: same pid (exec), so
/// process managers and pidfiles see no difference, and the memory of a daemon that runs for months is the native one's.
/// </summary>
public sealed class NativeDaemonTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Slipway_supervise_execs_the_native_daemon_installed_beside_it()
    {
        await using var d = await Daemon.StartAsync(Daemon.SlipwayExecNative, """
            [program:alpha]
            command=sleep 1000
            startsecs=0

            """, Ct);
        await d.WaitForAsync("alpha", "RUNNING", Ct);

        var exe = File.ResolveLinkTarget($"/proc/{d.Pid.ToString(CultureInfo.InvariantCulture)}/exe", returnFinalTarget: false)!.FullName;
        Path.GetFileName(exe).ShouldBe("slipway-supervise", "the started process (dotnet slipway.dll) should have become the native daemon");
        (await d.CtlAsync(Ct, "pid")).Output.Trim().ShouldBe(d.Pid.ToString(CultureInfo.InvariantCulture));
        var rss = (await File.ReadAllLinesAsync($"/proc/{d.Pid.ToString(CultureInfo.InvariantCulture)}/status", Ct)).Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kib = int.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        kib.ShouldBeLessThan(24 * 1024, "the native daemon with one program should stay well under supervisord's ~32 MiB");
    }

    [Fact]
    public async Task Without_the_native_daemon_beside_it_the_managed_one_runs()
    {
        await using var d = await Daemon.StartAsync(Daemon.Slipway, "", Ct);
        var exe = File.ResolveLinkTarget($"/proc/{d.Pid.ToString(CultureInfo.InvariantCulture)}/exe", returnFinalTarget: false)!.FullName;
        Path.GetFileName(exe).ShouldBe("dotnet");
    }
}
