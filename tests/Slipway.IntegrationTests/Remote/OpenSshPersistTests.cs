using System.Text;
using System.Text.RegularExpressions;
using Slipway.Core.Shell;
using Slipway.Remote;
using Slipway.Remote.Ssh;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Remote;

/// <summary>
/// <c>ssh.control_persist</c>: the connection a run opened stays for the next run (OpenSSH ControlPersist), so a
/// deploy right after a check costs no SSH handshake; and a connection that died in between is replaced, not hung on.
/// </summary>
public sealed partial class OpenSshPersistTests
{

    [Fact(Timeout = 90_000)]
    public async Task A_second_run_reuses_the_connection_the_first_left_open()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        var settings = SshTestHosts.Settings(sshd) with { ControlPersist = TimeSpan.FromSeconds(20) };
        var host = SshTestHosts.Host(sshd, 0);

        await using (var first = new OpenSshTransport(settings))
        {
            var session = await first.ConnectAsync(host, ct);
            (await session.RunAsync(ShellCommand.Raw("echo one"), null, ct)).StdoutTail[^1].ShouldBe("one");
        }

        Logins(sshd).ShouldBe(1);
        await using (var second = new OpenSshTransport(settings))
        {
            var session = await second.ConnectAsync(host, ct);
            (await session.RunAsync(ShellCommand.Raw("echo two"), null, ct)).StdoutTail[^1].ShouldBe("two");
            var target = Path.Combine(sshd.Dir, "uploaded.txt");
            await session.UploadAsync(new MemoryStream(Encoding.UTF8.GetBytes("hello")), target, UnixFileMode.UserRead | UnixFileMode.UserWrite, ct);
            (await File.ReadAllTextAsync(target, ct)).ShouldBe("hello");
        }

        Logins(sshd).ShouldBe(1, "the second run must ride on the first run's connection: " + sshd.ServerLog(0));
        await PersistentConnections.CloseAsync(settings, host, null, ct); // no ssh process outlives the test
    }

    [Fact(Timeout = 90_000)]
    public async Task A_persisted_connection_whose_host_went_away_is_replaced_by_a_fresh_one()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        var settings = SshTestHosts.Settings(sshd) with { ControlPersist = TimeSpan.FromSeconds(20) };
        var host = SshTestHosts.Host(sshd, 0);
        await using (var first = new OpenSshTransport(settings))
        {
            await (await first.ConnectAsync(host, ct)).RunAsync(ShellCommand.Raw("true"), null, ct);
        }

        // The master's connection is killed on the host side (sshd's per-connection process), as a reboot would.
        var connections = ProcessTools.Descendants(sshd.Hosts[0].Pid);
        connections.ShouldNotBeEmpty("the persisted connection should still be open on the host");
        foreach (var pid in connections)
        {
            ProcessTools.KillQuietly(pid);
        }

        await using var second = new OpenSshTransport(settings);
        var ok = await Eventually.ForAsync(async () =>
        {
            try
            {
                var session = await second.ConnectAsync(host, ct);
                return (await session.RunAsync(ShellCommand.Raw("echo back"), null, ct)).StdoutTail[^1] == "back";
            }
            catch (RemoteConnectionException)
            {
                await second.CloseMasterAsync(host);
                return false;
            }
        }, TimeSpan.FromSeconds(30), ct);
        ok.ShouldBeTrue("a new connection should replace the dead one: " + sshd.ServerLog(0));
        Logins(sshd).ShouldBeGreaterThanOrEqualTo(2);
        await PersistentConnections.CloseAsync(settings, host, null, ct); // no ssh process outlives the test
    }

    private static int Logins(SshdFixture sshd) => AcceptedPattern().Count(sshd.ServerLog(0));

    [GeneratedRegex("Accepted publickey")]
    private static partial Regex AcceptedPattern();
}
