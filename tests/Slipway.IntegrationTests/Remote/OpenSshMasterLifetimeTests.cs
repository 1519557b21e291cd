using System.Diagnostics;
using Slipway.Core.Shell;
using Slipway.Remote.Processes;
using Slipway.Remote.Ssh;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Remote;

public sealed class OpenSshMasterLifetimeTests
{
    [Fact(Timeout = 60_000)]
    public async Task Disposing_the_transport_stops_every_master_and_removes_the_sockets()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(2, ct);
        var transport = new OpenSshTransport(SshTestHosts.Settings(sshd));
        foreach (var index in new[] { 0, 1 })
        {
            var session = await transport.ConnectAsync(SshTestHosts.Host(sshd, index), ct);
            (await session.RunAsync(ShellCommand.Raw("true"), null, ct)).ExitCode.ShouldBe(0);
        }

        SshTestHosts.LocalProcessesWith(transport.ControlDirectory).Count.ShouldBe(2, "one master per host");

        await transport.DisposeAsync();

        SshTestHosts.LocalProcessesWith(transport.ControlDirectory).ShouldBeEmpty();
        Directory.Exists(transport.ControlDirectory).ShouldBeFalse();
    }

    [Fact(Timeout = 60_000)]
    public async Task A_master_whose_owner_is_killed_closes_its_connection()
    {
        // The owner here is a bash that holds the master's stdin, as slipway does; kill -9 gives it no chance to clean up.
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        using var dir = new TempDir("slw-owner-");
        var args = new SshArguments(SshTestHosts.Settings(sshd), dir.Path).Master(SshTestHosts.Host(sshd, 0), dir.File("master.log"));
        var quoted = ShellQuote.Join(args);
        var driver = RemoteShell.Driver("test-mark");
        var psi = ChildProcess.StartInfo("bash", ["-c",
            $"coproc ssh {quoted}; printf '%s' \"$SLW_DRIVER\" >&\"${{COPROC[1]}}\"; read -r line <&\"${{COPROC[0]}}\"; echo \"$line $COPROC_PID\"; sleep 120"],
            new Dictionary<string, string?> { ["SLW_DRIVER"] = driver });
        using var owner = Process.Start(psi)!;
        var ready = await owner.StandardOutput.ReadLineAsync(ct);
        ready.ShouldNotBeNull().ShouldStartWith("READY test-mark");
        var masterPid = int.Parse(ready.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);

        owner.Kill();
        await owner.WaitForExitAsync(ct);

        (await Eventually.ForAsync(() => !IsRunning(masterPid), TimeSpan.FromSeconds(10), ct))
            .ShouldBeTrue("the orphaned master must exit once its owner is gone");
        (await Eventually.ForAsync(() => sshd.ServerLog(0).Contains("Disconnected from user", StringComparison.Ordinal), TimeSpan.FromSeconds(10), ct))
            .ShouldBeTrue("the host must see the connection close: " + sshd.ServerLog(0));
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
