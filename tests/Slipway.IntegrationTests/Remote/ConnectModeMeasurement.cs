using System.Diagnostics;
using System.Globalization;
using Slipway.Remote.Processes;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Remote;

/// <summary>
/// Measures the design choice in OpenSshTransport: an explicit master (<c>ssh -fNM</c>, then a mux client) against
/// letting the first command become the master (<c>ControlMaster=auto</c> + <c>ControlPersist</c>), for one command
/// on 5 hosts in parallel. Writes the numbers to the test output and to /tmp/slipway-connect-mode.txt.
/// </summary>
public sealed class ConnectModeMeasurement
{
    private const int Rounds = 5;

    [Fact(Timeout = 60_000)]
    public async Task Explicit_master_versus_auto_master_for_one_command_on_five_hosts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(5, ct);
        var explicitTimes = new List<double>();
        var autoTimes = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            explicitTimes.Add(await TimeRoundAsync(sshd, auto: false, ct));
            autoTimes.Add(await TimeRoundAsync(sshd, auto: true, ct));
        }

        var report = $"one command on 5 hosts, {Rounds} rounds, ms: explicit -fNM + mux client: median {Median(explicitTimes):0} " +
                     $"[{string.Join(", ", explicitTimes.Select(t => t.ToString("0", CultureInfo.InvariantCulture)))}]; " +
                     $"ControlMaster=auto: median {Median(autoTimes):0} " +
                     $"[{string.Join(", ", autoTimes.Select(t => t.ToString("0", CultureInfo.InvariantCulture)))}]";
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        await File.WriteAllTextAsync("/tmp/slipway-connect-mode.txt", report + "\n", ct);
    }

    [Fact(Timeout = 120_000)]
    public async Task Connect_and_per_command_latency_of_the_transport()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        await using var transport = new Slipway.Remote.Ssh.OpenSshTransport(SshTestHosts.Settings(sshd));
        var clock = Stopwatch.StartNew();
        var session = await transport.ConnectAsync(SshTestHosts.Host(sshd, 0), ct);
        var connect = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        const int Commands = 20;
        for (var i = 0; i < Commands; i++)
        {
            (await session.RunAsync(Slipway.Core.Shell.ShellCommand.Raw("true"), null, ct)).ExitCode.ShouldBe(0);
        }

        var report = $"connect {connect:0} ms; {Commands} sequential commands over the mux: {clock.Elapsed.TotalMilliseconds / Commands:0} ms each";
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        await File.WriteAllTextAsync("/tmp/slipway-command-latency.txt", report + "\n", ct);
    }

    private static async Task<double> TimeRoundAsync(SshdFixture sshd, bool auto, CancellationToken ct)
    {
        using var dir = new TempDir("slw-m-");
        var control = dir.Path + "/%C";
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(sshd.Hosts.Select(async h =>
        {
            var common = new List<string>
            {
                "-o", "ControlPath=" + control, "-o", "BatchMode=yes", "-o", "UserKnownHostsFile=" + sshd.KnownHosts,
                "-i", sshd.ClientKey, "-o", "IdentitiesOnly=yes", "-p", h.Port.ToString(CultureInfo.InvariantCulture),
                "-l", SshdFixture.User, "-E", dir.File($"{h.Index}.log"),
            };
            if (!auto)
            {
                (await RunAsync(["-M", "-N", "-f", "-o", "ControlPersist=120", .. common, "127.0.0.1"], ct)).ShouldBe(0);
                (await RunAsync(["-o", "ControlMaster=no", .. common, "127.0.0.1", "--", "true"], ct)).ShouldBe(0);
            }
            else
            {
                string[] first = ["-o", "ControlMaster=auto", "-o", "ControlPersist=120", .. common, "127.0.0.1", "--", "true"];
                (await RunAsync([.. first], ct)).ShouldBe(0);
            }
        }));
        var elapsed = clock.Elapsed.TotalMilliseconds;
        foreach (var h in sshd.Hosts)
        {
            var port = h.Port.ToString(CultureInfo.InvariantCulture);
            await RunAsync(["-O", "exit", "-o", "ControlPath=" + control, "-p", port, "-l", SshdFixture.User, "127.0.0.1"], ct);
        }

        return elapsed;
    }

    // Foreground only: with -f or ControlPersist the forked master keeps the inherited pipes open.
    private static Task<int> RunAsync(List<string> args, CancellationToken ct) =>
        ChildProcess.RunForegroundAsync(ChildProcess.StartInfo("ssh", args, environment: null), ct);

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
