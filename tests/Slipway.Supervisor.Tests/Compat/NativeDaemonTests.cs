using System.Globalization;
using Slipway.Testing;

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

    [Fact]
    public async Task The_native_daemon_stays_small_while_it_answers_getAllProcessInfo_for_200_processes()
    {
        // Guards the memory work: before it (whole-array replies on the large-object heap, gen0's budget free to grow
        // to 6 MiB) this daemon sat at 19.5 MiB here; now about 12 MiB. supervisord: 33-35 MiB.
        await using var d = await Daemon.StartAsync(Daemon.SlipwayNative, """
            [program:many]
            command=sleep 1000
            process_name=many_%(process_num)03d
            numprocs=200
            startsecs=0

            """, Ct);
        using var client = new Slipway.Supervisor.Client.SupervisorClient(Slipway.Supervisor.Client.SupervisorEndpoint.Parse("unix://" + d.Socket));
        var running = await Eventually.ForAsync(async () =>
            ((List<object?>)(await client.CallAsync("supervisor.getAllProcessInfo", [], Ct))!)
                .Count(p => Equals(((Dictionary<string, object?>)p!)["statename"], "RUNNING")) == 200, TimeSpan.FromSeconds(30), Ct);
        running.ShouldBeTrue();
        for (var i = 0; i < 100; i++)
        {
            ((List<object?>)(await client.CallAsync("supervisor.getAllProcessInfo", [], Ct))!).Count.ShouldBe(200);
        }

        var rss = (await File.ReadAllLinesAsync($"/proc/{d.Pid.ToString(CultureInfo.InvariantCulture)}/status", Ct)).Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kib = int.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        kib.ShouldBeLessThan(16 * 1024, "the native daemon with 200 programs after 100 getAllProcessInfo calls");
    }
}
