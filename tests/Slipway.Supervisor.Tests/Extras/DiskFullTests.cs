using System.Globalization;
using System.Text.RegularExpressions;
using Slipway.Testing;
using TestDaemon = Slipway.Supervisor.Tests.Compat.Daemon;

namespace Slipway.Supervisor.Tests.Extras;

/// <summary>
/// A program's log on a full disk (a 64 KiB tmpfs): the output that does not fit is dropped and counted, the program
/// runs on undisturbed, the daemon keeps answering supervisorctl, and the main log says so once (and once more when
/// the log takes writes again), never once per write.
/// </summary>
public sealed partial class DiskFullTests
{
    [Fact(Timeout = 120_000)]
    public async Task A_full_disk_under_a_programs_log_drops_and_counts_the_output_and_the_daemon_keeps_serving()
    {
        var ct = TestContext.Current.CancellationToken;
        using var mountDir = new TempDir();
        await using var full = await SmallTmpfs.MountAsync(mountDir.File("full"), kib: 64, ct);
        var log = Path.Combine(full.Path, "talker.log");
        await using var d = await TestDaemon.StartAsync(TestDaemon.Slipway, $"""
            [program:talker]
            command=/bin/bash -c 'while true; do echo {new string('x', 1000)}; sleep 0.01; done'
            startsecs=0
            stdout_logfile={log}

            """, ct);
        await d.WaitForAsync("talker", "RUNNING", ct);
        var pid = (await d.CtlAsync(ct, "pid", "talker")).Output.Trim();
        using var http = new HttpClient();
        async Task<long> DroppedAsync()
        {
            var metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{d.Port.ToString(CultureInfo.InvariantCulture)}/metrics"), ct);
            return long.Parse(DroppedLine().Match(metrics).Groups[1].Value, CultureInfo.InvariantCulture);
        }

        (await Eventually.ForAsync(async () => await DroppedAsync() > 20_000, TimeSpan.FromSeconds(30), ct))
            .ShouldBeTrue("the output that did not fit is counted on /metrics");

        (await d.CtlAsync(ct, "status", "talker")).Output.ShouldContain($"RUNNING   pid {pid},", Case.Sensitive, "the daemon serves XML-RPC and the program runs on");
        var told = (await File.ReadAllLinesAsync(d.MainLog, ct)).Where(l => l.Contains("could not write to", StringComparison.Ordinal)).ToList();
        told.ShouldHaveSingleItem().ShouldEndWith($" ERROR could not write to {log} (No space left on device): dropping the program's output " +
            "until it can be written again; supervisor_log_dropped_bytes_total counts it");

        SmallTmpfs.Truncate(log); // the operator frees the space
        (await Eventually.ForAsync(() => File.ReadAllLines(d.MainLog).Any(l => l.Contains($" INFO writing to {log} again; ", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), ct)).ShouldBeTrue("the main log says when the output is written again");
        (await Eventually.ForAsync(() => new FileInfo(log).Length > 0, TimeSpan.FromSeconds(10), ct)).ShouldBeTrue();
        (await d.CtlAsync(ct, "pid", "talker")).Output.Trim().ShouldBe(pid);
    }

    [GeneratedRegex(@"\nsupervisor_log_dropped_bytes_total (\d+)\n")]
    private static partial Regex DroppedLine();
}
