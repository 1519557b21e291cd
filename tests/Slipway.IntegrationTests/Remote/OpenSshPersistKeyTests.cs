using System.Globalization;
using System.Text.RegularExpressions;
using Slipway.Core.Config;
using Slipway.Core.Shell;
using Slipway.Remote;
using Slipway.Remote.Ssh;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Remote;

/// <summary>
/// A persisted master (<c>ssh.control_persist</c>, on by default) never outlives a changed host key or changed ssh
/// settings (issue 15.7), and <c>ssh close</c> drops it. Each test closes what it opened: no ssh process outlives it.
/// </summary>
public sealed partial class OpenSshPersistKeyTests
{
    [Fact(Timeout = 90_000)]
    public async Task OpenSsh_itself_lets_a_mux_client_through_after_known_hosts_changed()
    {
        // Why the socket name digests known_hosts: a mux client does not verify the host key at all.
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        var (settings, host) = Persisting(sshd);
        try
        {
            await RunOnceAsync(settings, host, "one", ct);
            var socket = await new PersistentControlPaths(new SshArguments(settings, PersistentConnections.Directory), null, PersistentConnections.Directory)
                .ForAsync(host, ct);
            await ReplaceHostKeyAsync(sshd, settings, ct);

            var (code, stdout, stderr) = await ProcessTools.RunAsync("ssh", [
                "-o", "ControlMaster=no", "-o", "ControlPath=" + socket, "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                "-o", "UserKnownHostsFile=" + settings.KnownHosts, "-p", host.Port!.Value.ToString(CultureInfo.InvariantCulture),
                "-l", host.User!, host.Host, "echo", "reused"], ct);

            (code, stdout.Trim()).ShouldBe((0, "reused"), "OpenSSH's mux client is expected to skip host key checks: " + stderr);
        }
        finally
        {
            await PersistentConnections.CloseAsync(settings, host, null, CancellationToken.None);
        }
    }

    [Fact(Timeout = 90_000)]
    public async Task A_changed_host_key_is_never_served_by_the_master_an_earlier_run_left()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        var (settings, host) = Persisting(sshd);
        try
        {
            await RunOnceAsync(settings, host, "one", ct);
            var trusted = await File.ReadAllTextAsync(settings.KnownHosts!, ct);
            await ReplaceHostKeyAsync(sshd, settings, ct);

            // A fresh connection is made, and refused: the key the host shows is no longer the one known_hosts has.
            await using (var second = new OpenSshTransport(settings))
            {
                var error = await Should.ThrowAsync<RemoteConnectionException>(() => second.ConnectAsync(host, ct));
                error.Failure.ShouldBe(ConnectionFailure.HostKeyChanged, error.Message);
            }

            // The key trusted again: the connection the first run left is the right one to reuse.
            await File.WriteAllTextAsync(settings.KnownHosts!, trusted, ct);
            await RunOnceAsync(settings, host, "three", ct);
            Logins(sshd).ShouldBe(1, sshd.ServerLog(0));
        }
        finally
        {
            await PersistentConnections.CloseAsync(settings, host, null, CancellationToken.None);
        }
    }

    [Fact(Timeout = 90_000)]
    public async Task Changed_ssh_settings_open_a_new_master_and_ssh_close_drops_them_all()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        var (settings, host) = Persisting(sshd);
        try
        {
            await RunOnceAsync(settings, host, "one", ct);
            await RunOnceAsync(settings, host, "two", ct);
            Logins(sshd).ShouldBe(1, "same settings, same master: " + sshd.ServerLog(0));

            var changed = settings with { HostKeyPolicy = HostKeyPolicy.AcceptNew };
            await RunOnceAsync(changed, host, "three", ct);
            Logins(sshd).ShouldBe(2, "other settings must not reuse the old master: " + sshd.ServerLog(0));

            (await PersistentConnections.CloseAsync(settings, host, null, ct)).ShouldBe(2);
            (await PersistentConnections.CloseAsync(settings, host, null, ct)).ShouldBe(0);
            await RunOnceAsync(settings, host, "four", ct);
            Logins(sshd).ShouldBe(3, "closed: the next run connects afresh: " + sshd.ServerLog(0));
        }
        finally
        {
            await PersistentConnections.CloseAsync(settings, host, null, CancellationToken.None);
        }

        // The masters are gone from the host too (sshd's per-connection processes).
        (await Eventually.ForAsync(() => Task.FromResult(ProcessTools.Descendants(sshd.Hosts[0].Pid).Count == 0), TimeSpan.FromSeconds(10), ct))
            .ShouldBeTrue("a closed master's connection should end on the host");
    }

    /// <summary>The test's hosts with the default control_persist, and a known_hosts of its own to change.</summary>
    private static (SshSettings Settings, HostConfig Host) Persisting(SshdFixture sshd)
    {
        var knownHosts = Path.Combine(sshd.Dir, "known_hosts.persist");
        File.Copy(sshd.KnownHosts, knownHosts);
        var settings = SshTestHosts.Settings(sshd) with { KnownHosts = knownHosts, ControlPersist = SshSettings.DefaultControlPersist };
        return (settings, SshTestHosts.Host(sshd, 0));
    }

    private static async Task RunOnceAsync(SshSettings settings, HostConfig host, string word, CancellationToken ct)
    {
        await using var transport = new OpenSshTransport(settings);
        var session = await transport.ConnectAsync(host, ct);
        (await session.RunAsync(ShellCommand.Create($"echo {word}"), null, ct)).StdoutTail[^1].ShouldBe(word);
    }

    /// <summary>known_hosts now holds another key for the host, as after a reinstall the user accepted.</summary>
    private static async Task ReplaceHostKeyAsync(SshdFixture sshd, SshSettings settings, CancellationToken ct)
    {
        var key = Path.Combine(sshd.Dir, "other_host_key");
        (await ProcessTools.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key], ct)).ExitCode.ShouldBe(0);
        var other = (await File.ReadAllTextAsync(key + ".pub", ct)).Split(' ');
        await File.WriteAllTextAsync(settings.KnownHosts!, $"[127.0.0.1]:{sshd.Hosts[0].Port} {other[0]} {other[1]}\n", ct);
    }

    private static int Logins(SshdFixture sshd) => AcceptedPattern().Count(sshd.ServerLog(0));

    [GeneratedRegex("Accepted publickey")]
    private static partial Regex AcceptedPattern();
}
