using System.Globalization;
using Slipway.Core.Shell;
using Slipway.Remote;
using Slipway.Remote.Ssh;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Remote;

/// <summary>Commands on the master's persistent shell (<see cref="RemoteShell"/>): framing, isolation, lifetime.</summary>
public sealed class OpenSshShellTests
{
    [Fact(Timeout = 60_000)]
    public async Task A_command_runs_on_the_masters_shell_without_starting_another_ssh()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        await using var transport = new OpenSshTransport(SshTestHosts.Settings(sshd));
        var session = await transport.ConnectAsync(SshTestHosts.Host(sshd, 0), ct);
        var started = new TaskCompletionSource();

        var run = session.RunAsync(ShellCommand.Raw("echo started; sleep 1"), new RunOptions { Output = _ => started.TrySetResult() }, ct);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        // This transport's ssh processes (tests run in parallel, so other ssh children of this process are not ours).
        var ssh = SshTestHosts.LocalProcessesWith(transport.ControlDirectory);

        (await run).ExitCode.ShouldBe(0);
        ssh.Count.ShouldBe(1, "only the master: " + string.Join(" | ", ssh.Select(ProcessTools.CommandLine)));
        sshd.ServerLog(0).Split('\n').Count(l => l.Contains("Accepted publickey", StringComparison.Ordinal)).ShouldBe(1);
    }

    [Fact(Timeout = 60_000)]
    public async Task Unterminated_lines_and_forged_end_markers_stay_the_commands_output()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        await using var transport = new OpenSshTransport(SshTestHosts.Settings(sshd));
        var session = await transport.ConnectAsync(SshTestHosts.Host(sshd, 0), ct);

        var partial = await session.RunAsync(ShellCommand.Raw("printf 'no newline'; printf 'err' >&2; exit 4"), null, ct);
        var forged = await session.RunAsync(ShellCommand.Raw("echo '::slipway-end:0123 0'; echo READY; exit 5"), null, ct);

        partial.ShouldSatisfyAllConditions(
            r => r.ExitCode.ShouldBe(4),
            r => r.StdoutTail.ShouldBe(["no newline"]),
            r => r.StderrTail.ShouldBe(["err"]));
        forged.ShouldSatisfyAllConditions(
            r => r.ExitCode.ShouldBe(5),
            r => r.StdoutTail.ShouldBe(["::slipway-end:0123 0", "READY"]));
    }

    [Fact(Timeout = 60_000)]
    public async Task Each_command_starts_fresh_and_cannot_read_the_shells_input()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        await using var transport = new OpenSshTransport(SshTestHosts.Settings(sshd));
        var session = await transport.ConnectAsync(SshTestHosts.Host(sshd, 0), ct);

        var first = await session.RunAsync(ShellCommand.Raw("cd /; export SLW_LEAK=1; slw_m=forged; cat; echo read-nothing"), null, ct);
        var second = await session.RunAsync(ShellCommand.Raw("pwd; echo ${SLW_LEAK:-unset}"), null, ct);

        first.StdoutTail.ShouldBe(["read-nothing"], "stdin is /dev/null, never the driver's channel");
        second.StdoutTail.Count.ShouldBe(2);
        second.StdoutTail[0].ShouldNotBe("/", "a command's cd must not move the next one");
        second.StdoutTail[1].ShouldBe("unset");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_command_on_the_shell_is_stopped_when_the_connection_dies()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        await using var transport = new OpenSshTransport(SshTestHosts.Settings(sshd));
        var session = await transport.ConnectAsync(SshTestHosts.Host(sshd, 0), ct);
        var marker = "302." + Random.Shared.Next(10000, 99999).ToString(CultureInfo.InvariantCulture);
        var started = new TaskCompletionSource();
        var run = session.RunAsync(ShellCommand.Create($"echo started; sleep {marker}"), new RunOptions { Output = _ => started.TrySetResult() }, ct);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        (await Eventually.ForAsync(() => SleepsWith(marker) == 1, TimeSpan.FromSeconds(10), ct)).ShouldBeTrue("sleep never started");

        // As if slipway were killed: the master goes without any goodbye.
        foreach (var pid in SshTestHosts.LocalProcessesWith(transport.ControlDirectory))
        {
            ProcessTools.KillQuietly(pid);
        }

        var error = await Should.ThrowAsync<RemoteConnectionException>(() => run);
        error.Failure.ShouldBe(ConnectionFailure.ConnectionLost);
        (await Eventually.ForAsync(() => SleepsWith(marker) == 0, TimeSpan.FromSeconds(10), ct))
            .ShouldBeTrue("sleep " + marker + " still runs on the host after its connection died");
    }

    /// <summary>The host is this machine: count <c>sleep MARKER</c> processes directly.</summary>
    private static int SleepsWith(string marker) => ProcessTools.WithCommandLine(c => c == "sleep " + marker).Count;
}
