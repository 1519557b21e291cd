using Slipway.Core.Shell;
using Slipway.Remote;
using Slipway.Remote.Ssh;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Remote;

public sealed class OpenSshCancellationTests
{
    [Fact(Timeout = 60_000)]
    public async Task Cancelling_stops_the_remote_process_and_reaps_local_ssh()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        await using var transport = new OpenSshTransport(SshTestHosts.Settings(sshd));
        var session = await transport.ConnectAsync(SshTestHosts.Host(sshd, 0), ct);
        var marker = "300." + Random.Shared.Next(10000, 99999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var started = new TaskCompletionSource();
        var run = session.RunAsync(
            ShellCommand.Create($"echo started; sleep {marker}"), new RunOptions { Output = _ => started.TrySetResult() }, cancel.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        (await CountRemoteAsync(session, marker)).ShouldBe(1);

        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => run);
        SshTestHosts.LocalProcessesWith(marker).ShouldBeEmpty("the local ssh must be killed and reaped");
        (await Eventually.ForAsync(async () => await CountRemoteAsync(session, marker) == 0, TimeSpan.FromSeconds(10), ct))
            .ShouldBeTrue("sleep " + marker + " still runs on the host\n" + sshd.ServerLog(0));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_command_timeout_stops_the_remote_process_and_names_host_command_and_limit()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        var settings = SshTestHosts.Settings(sshd) with { CommandTimeout = TimeSpan.FromMilliseconds(700) };
        await using var transport = new OpenSshTransport(settings);
        var session = await transport.ConnectAsync(SshTestHosts.Host(sshd, 0), ct);
        var marker = "301." + Random.Shared.Next(10000, 99999).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var error = await Should.ThrowAsync<TimeoutException>(() => session.RunAsync(ShellCommand.Create($"sleep {marker}"), null, ct));

        error.Message.ShouldContain(SshTestHosts.Host(sshd, 0).DisplayName);
        error.Message.ShouldContain("sleep " + marker);
        error.Message.ShouldContain("700ms");
        (await Eventually.ForAsync(async () => await CountRemoteAsync(session, marker) == 0, TimeSpan.FromSeconds(10), ct))
            .ShouldBeTrue(sshd.ServerLog(0));
    }

    [Fact(Timeout = 60_000)]
    public async Task Per_command_timeout_overrides_the_default()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        var settings = SshTestHosts.Settings(sshd) with { CommandTimeout = TimeSpan.FromMilliseconds(300) };
        await using var transport = new OpenSshTransport(settings);
        var session = await transport.ConnectAsync(SshTestHosts.Host(sshd, 0), ct);

        var longer = new RunOptions { Timeout = TimeSpan.FromSeconds(20) };
        var result = await session.RunAsync(ShellCommand.Raw("sleep 0.5; echo done"), longer, ct);

        result.StdoutTail.ShouldBe(["done"]);
    }

    /// <summary>
    /// Counts sleep processes whose whole command line is "sleep MARKER" (anchored: the host is this machine, so the
    /// local ssh and the wrapper shells also contain the text); the [s] keeps grep from matching itself.
    /// </summary>
    internal static async Task<int> CountRemoteAsync(IRemoteSession session, string marker)
    {
        var pattern = "^[s]leep " + marker.Replace(".", "\\.", StringComparison.Ordinal) + "$";
        // Its own limit: the sessions under test have deliberately short default time-outs, too short on a loaded machine.
        var result = await session.RunAsync(
            ShellCommand.Create($"ps -eo args | grep -c {pattern} || true"), new RunOptions { Timeout = TimeSpan.FromSeconds(30) }, CancellationToken.None);
        return int.Parse(result.StdoutTail.Single(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
