using System.Net;
using System.Net.Sockets;
using System.Diagnostics;
using Slipway.Core.Config;
using Slipway.Core.Shell;
using Slipway.Remote;
using Slipway.Remote.Ssh;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Remote;

public sealed class OpenSshFailureTests
{
    [Fact(Timeout = 60_000)]
    public async Task A_changed_host_key_is_refused_loudly()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        using var dir = new TempDir();
        var otherKey = dir.File("other");
        (await ProcessTools.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", otherKey], ct)).ExitCode.ShouldBe(0);
        var otherPublic = string.Join(' ', (await File.ReadAllTextAsync(otherKey + ".pub", ct)).Split(' ').Take(2));
        var knownHosts = dir.Write("known_hosts", $"[127.0.0.1]:{sshd.Hosts[0].Port} {otherPublic}\n");
        await using var transport = new OpenSshTransport(SshTestHosts.Settings(sshd) with { KnownHosts = knownHosts });

        var error = await Should.ThrowAsync<RemoteConnectionException>(() => transport.ConnectAsync(SshTestHosts.Host(sshd, 0), ct));

        error.Failure.ShouldBe(ConnectionFailure.HostKeyChanged, error.Message);
        error.Message.ShouldStartWith($"REFUSING: the host key of {SshTestHosts.Host(sshd, 0).DisplayName} has CHANGED");
        error.Message.ShouldContain("man-in-the-middle");
        error.Message.ShouldContain("ssh-keygen -f " + knownHosts + " -R");
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unknown_host_key_is_refused_with_its_fingerprint_and_the_fix()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        using var dir = new TempDir();
        var knownHosts = dir.Write("known_hosts", "");
        await using var transport = new OpenSshTransport(SshTestHosts.Settings(sshd) with { KnownHosts = knownHosts });
        var keygen = await ProcessTools.RunAsync("ssh-keygen", ["-l", "-f", sshd.Hosts[0].Dir + "/host_ed25519.pub"], ct);
        var fingerprint = keygen.Stdout.Split(' ')[1];

        var error = await Should.ThrowAsync<RemoteConnectionException>(() => transport.ConnectAsync(SshTestHosts.Host(sshd, 0), ct));

        error.Failure.ShouldBe(ConnectionFailure.HostKeyUnknown, error.Message);
        error.Message.ShouldContain(SshTestHosts.Host(sshd, 0).DisplayName);
        error.Message.ShouldContain("ssh-ed25519 " + fingerprint);
        error.Message.ShouldContain($"ssh-keyscan -p {sshd.Hosts[0].Port} 127.0.0.1 >> {knownHosts}");
        error.Message.ShouldContain("accept-new");
    }

    [Fact(Timeout = 60_000)]
    public async Task Accept_new_records_the_key_and_connects()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        using var dir = new TempDir();
        var knownHosts = dir.Write("known_hosts", "");
        var settings = SshTestHosts.Settings(sshd) with { KnownHosts = knownHosts, HostKeyPolicy = HostKeyPolicy.AcceptNew };
        await using var transport = new OpenSshTransport(settings);

        var session = await transport.ConnectAsync(SshTestHosts.Host(sshd, 0), ct);

        (await session.RunAsync(ShellCommand.Raw("true"), null, ct)).ExitCode.ShouldBe(0);
        (await File.ReadAllTextAsync(knownHosts, ct)).ShouldContain(sshd.Hosts[0].HostKeyPublic.Split(' ')[1]);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_wrong_client_key_is_an_authentication_failure_naming_the_key()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        using var dir = new TempDir();
        var stranger = dir.File("stranger_key");
        await ProcessTools.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", stranger], ct);
        await using var transport = new OpenSshTransport(SshTestHosts.Settings(sshd) with { IdentityFile = stranger });

        var error = await Should.ThrowAsync<RemoteConnectionException>(() => transport.ConnectAsync(SshTestHosts.Host(sshd, 0), ct));

        error.Failure.ShouldBe(ConnectionFailure.AuthenticationFailed, error.Message);
        error.Message.ShouldContain(stranger);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_closed_port_is_unreachable_fast()
    {
        var ct = TestContext.Current.CancellationToken;
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        await using var transport = new OpenSshTransport(new SshSettings { ConnectTimeout = TimeSpan.FromSeconds(5), ControlPersist = null });
        var host = new HostConfig { Host = "127.0.0.1", Port = port, User = "nobody" };
        var clock = Stopwatch.StartNew();

        var error = await Should.ThrowAsync<RemoteConnectionException>(() => transport.ConnectAsync(host, ct));

        error.Failure.ShouldBe(ConnectionFailure.Unreachable, error.Message);
        error.Host.ShouldBe($"nobody@127.0.0.1:{port}");
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(3));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_server_that_never_answers_times_out()
    {
        var ct = TestContext.Current.CancellationToken;
        // Accepts TCP (the kernel backlog does) but never sends an SSH banner.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        await using var transport = new OpenSshTransport(new SshSettings { ConnectTimeout = TimeSpan.FromSeconds(1), ControlPersist = null });
        var clock = Stopwatch.StartNew();

        var error = await Should.ThrowAsync<RemoteConnectionException>(
            () => transport.ConnectAsync(new HostConfig { Host = "127.0.0.1", Port = port }, ct));

        error.Failure.ShouldBe(ConnectionFailure.Timeout, error.Message);
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_host_dying_mid_command_is_a_lost_connection_reported_quickly()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        await using var transport = new OpenSshTransport(SshTestHosts.Settings(sshd));
        var session = await transport.ConnectAsync(SshTestHosts.Host(sshd, 0), ct);
        var started = new TaskCompletionSource();
        var run = session.RunAsync(ShellCommand.Raw("echo started; sleep 30"), new RunOptions { Output = _ => started.TrySetResult() }, ct);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        var clock = Stopwatch.StartNew();

        await sshd.KillHostAsync(0);

        var error = await Should.ThrowAsync<RemoteConnectionException>(() => run);
        error.Failure.ShouldBe(ConnectionFailure.ConnectionLost, error.Message);
        error.Message.ShouldContain("sleep 30");
        // Said by the master's log (the command ran on its shell): e.g. "Connection to 127.0.0.1 closed by remote host".
        error.Message.ShouldNotEndWith("(Exit status -1).");
        error.Message.ShouldContain("closed", Case.Insensitive);
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
    }
}
