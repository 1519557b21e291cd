using Slipway.Core.Shell;
using Slipway.Remote;
using Slipway.Remote.Ssh;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Remote;

/// <summary><see cref="ConnectionMode.Direct"/>: no master, so connect failures surface from the command itself.</summary>
public sealed class OpenSshDirectModeTests
{
    [Fact(Timeout = 60_000)]
    public async Task A_command_runs_on_its_own_connection_and_keeps_its_exit_code()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        await using var transport = new OpenSshTransport(SshTestHosts.Settings(sshd), mode: ConnectionMode.Direct);
        var session = await transport.ConnectAsync(SshTestHosts.Host(sshd, 0), ct);

        var result = await session.RunAsync(ShellCommand.Raw("echo out; echo err >&2; exit 255"), null, ct);

        result.ExitCode.ShouldBe(255, "a real exit 255 is the command's, not a lost connection");
        result.StdoutTail.ShouldBe(["out"]);
        result.StderrTail.ShouldBe(["err"]);
        SshTestHosts.LocalProcessesWith(transport.ControlDirectory).ShouldBeEmpty("direct mode starts no master");
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unknown_host_key_is_a_connection_failure_with_its_fingerprint()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        using var dir = new TempDir();
        var knownHosts = dir.Write("known_hosts", "");
        await using var transport = new OpenSshTransport(SshTestHosts.Settings(sshd) with { KnownHosts = knownHosts }, mode: ConnectionMode.Direct);
        var session = await transport.ConnectAsync(SshTestHosts.Host(sshd, 0), ct);

        var error = await Should.ThrowAsync<RemoteConnectionException>(() => session.RunAsync(ShellCommand.Raw("true"), null, ct));

        error.Failure.ShouldBe(ConnectionFailure.HostKeyUnknown, error.Message);
        error.Message.ShouldContain("ssh-ed25519 SHA256:");
        error.Message.ShouldContain("accept-new");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_host_dying_mid_command_is_a_lost_connection()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        await using var transport = new OpenSshTransport(SshTestHosts.Settings(sshd), mode: ConnectionMode.Direct);
        var session = await transport.ConnectAsync(SshTestHosts.Host(sshd, 0), ct);
        var started = new TaskCompletionSource();
        var run = session.RunAsync(ShellCommand.Raw("echo started; sleep 30"), new RunOptions { Output = _ => started.TrySetResult() }, ct);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);

        await sshd.KillHostAsync(0);

        var error = await Should.ThrowAsync<RemoteConnectionException>(() => run);
        error.Failure.ShouldBe(ConnectionFailure.ConnectionLost, error.Message);
        error.Message.ShouldContain("sleep 30");
    }
}
