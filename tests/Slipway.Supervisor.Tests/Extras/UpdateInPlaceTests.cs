using TestDaemon = Slipway.Supervisor.Tests.Compat.Daemon;

namespace Slipway.Supervisor.Tests.Extras;

/// <summary>
/// `supervisorctl reread` + `update` after numprocs changed. supervisord restarts the whole group (every pid
/// changes); slipway with <c>update_in_place=true</c> starts or stops only the processes that come or go. The same
/// steps and the same supervisorctl output against both; only the pids of the kept processes differ.
/// </summary>
public sealed class UpdateInPlaceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Programs(int numprocs) => $"""
        [supervisord]
        update_in_place=true

        [program:w]
        command=sleep 1200
        process_name=w_%(process_num)d
        numprocs={numprocs}
        startsecs=0

        [program:other]
        command=sleep 1201
        startsecs=0

        """;

    [Theory]
    [InlineData(TestDaemon.Supervisord)]
    [InlineData(TestDaemon.Slipway)]
    public async Task Numprocs_up_then_down(string kind)
    {
        await using var d = await TestDaemon.StartAsync(kind, Programs(2), Ct);
        await d.WaitForAsync("w:w_1", "RUNNING", Ct);
        var before = await PidsAsync(d);

        await File.WriteAllTextAsync(d.ConfigPath, TestDaemon.Header(d.Dir, d.Port) + Programs(3), Ct);
        (await d.CtlAsync(Ct, "reread")).Output.ShouldBe("w: changed\n");
        (await d.CtlAsync(Ct, "update")).Output.ShouldBe("w: stopped\nw: updated process group\n");
        await d.WaitForAsync("w:w_2", "RUNNING", Ct);
        var up = await PidsAsync(d);
        up["other"].ShouldBe(before["other"]);
        if (kind == TestDaemon.Slipway)
        {
            up["w:w_0"].ShouldBe(before["w:w_0"]);
            up["w:w_1"].ShouldBe(before["w:w_1"]);
        }
        else
        {
            up["w:w_0"].ShouldNotBe(before["w:w_0"]); // supervisord restarted the whole group
            up["w:w_1"].ShouldNotBe(before["w:w_1"]);
        }

        await File.WriteAllTextAsync(d.ConfigPath, TestDaemon.Header(d.Dir, d.Port) + Programs(1), Ct);
        (await d.CtlAsync(Ct, "update")).Output.ShouldBe("w: stopped\nw: updated process group\n");
        await d.WaitForAsync("w:w_0", "RUNNING", Ct);
        var down = await PidsAsync(d);
        down.Keys.Order(StringComparer.Ordinal).ShouldBe(["other", "w:w_0"]);
        if (kind == TestDaemon.Slipway)
        {
            down["w:w_0"].ShouldBe(before["w:w_0"]);
        }
    }

    private static async Task<Dictionary<string, string>> PidsAsync(TestDaemon d)
    {
        var status = (await d.CtlAsync(Ct, "status")).Output;
        return status.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(f => f[0], f => f.Length > 3 && f[2] == "pid" ? f[3].TrimEnd(',') : f[1]);
    }
}
