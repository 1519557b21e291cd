using System.Collections.Concurrent;
using System.Text;
using Slipway.Core.Shell;
using Slipway.Remote;
using Slipway.Remote.Ssh;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Remote;

public sealed class OpenSshCommandTests
{
    [Fact(Timeout = 60_000)]
    public async Task Command_output_is_streamed_per_stream_with_exit_code()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        await using var transport = new OpenSshTransport(SshTestHosts.Settings(sshd));
        await using var session = await transport.ConnectAsync(SshTestHosts.Host(sshd, 0), ct);
        var lines = new ConcurrentQueue<OutputLine>();

        var result = await session.RunAsync(
            ShellCommand.Raw("echo out1; echo err1 >&2; echo out2; echo err2 >&2; exit 3"),
            new RunOptions { Output = lines.Enqueue }, ct);

        result.ExitCode.ShouldBe(3, sshd.ServerLogs());
        result.StdoutTail.ShouldBe(["out1", "out2"]);
        result.StderrTail.ShouldBe(["err1", "err2"]);
        lines.Where(l => l.Kind == OutputKind.Stdout).Select(l => l.Text).ShouldBe(["out1", "out2"]);
        lines.Where(l => l.Kind == OutputKind.Stderr).Select(l => l.Text).ShouldBe(["err1", "err2"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_command_that_exits_255_is_a_result_not_a_lost_connection()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        await using var transport = new OpenSshTransport(SshTestHosts.Settings(sshd));
        var session = await transport.ConnectAsync(SshTestHosts.Host(sshd, 0), ct);

        var result = await session.RunAsync(ShellCommand.Raw("exit 255"), null, ct);

        result.ExitCode.ShouldBe(255);
    }

    [Fact(Timeout = 60_000)]
    public async Task When_the_master_is_gone_commands_fall_back_to_a_direct_connection()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        await using var transport = new OpenSshTransport(SshTestHosts.Settings(sshd));
        var host = SshTestHosts.Host(sshd, 0);
        var session = await transport.ConnectAsync(host, ct);

        await transport.CloseMasterAsync(host); // as when ControlPersist ran out during a long local step

        (await session.RunAsync(ShellCommand.Raw("echo still; exit 255"), null, ct)).ShouldSatisfyAllConditions(
            r => r.ExitCode.ShouldBe(255, sshd.ServerLog(0)),
            r => r.StdoutTail.ShouldBe(["still"]));
    }

    [Fact(Timeout = 60_000)]
    public async Task Working_directory_and_environment_are_applied_and_quoted()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        using var dir = new TempDir("slw it dir ");
        await using var transport = new OpenSshTransport(SshTestHosts.Settings(sshd));
        var session = await transport.ConnectAsync(SshTestHosts.Host(sshd, 0), ct);
        var options = new RunOptions
        {
            WorkingDirectory = dir.Path,
            Environment = new Dictionary<string, string> { ["GREETING"] = "hello 'world' $(nope)", ["EMPTY"] = "" },
        };

        var result = await session.RunAsync(ShellCommand.Raw("pwd; printf '%s|%s\\n' \"$GREETING\" \"$EMPTY\""), options, ct);

        result.StdoutTail.ShouldBe([dir.Path, "hello 'world' $(nope)|"], sshd.ServerLogs());
    }

    [Fact(Timeout = 60_000)]
    public async Task Hostile_values_reach_the_host_as_data_and_run_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        using var dir = new TempDir();
        var marker = dir.File("pwned");
        var hostile = $"; touch {marker}; $(touch {marker}) `touch {marker}` ' \" \n\té漢字 *";
        await using var transport = new OpenSshTransport(SshTestHosts.Settings(sshd));
        var session = await transport.ConnectAsync(SshTestHosts.Host(sshd, 0), ct);

        var result = await session.RunAsync(ShellCommand.Create($"printf '%s' {hostile} | base64 -w0"), null, ct);

        Encoding.UTF8.GetString(Convert.FromBase64String(result.StdoutTail.Single())).ShouldBe(hostile);
        File.Exists(marker).ShouldBeFalse();
    }

    [Fact(Timeout = 60_000)]
    public async Task Many_commands_share_one_connection()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        await using var transport = new OpenSshTransport(SshTestHosts.Settings(sshd));
        var session = await transport.ConnectAsync(SshTestHosts.Host(sshd, 0), ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => session.RunAsync(ShellCommand.Create($"echo {i}"), null, ct)));

        var expected = Enumerable.Range(0, 8).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        results.Select(r => r.StdoutTail.Single()).ShouldBe(expected);
        var log = sshd.ServerLog(0);
        log.Split('\n').Count(l => l.Contains("Accepted publickey", StringComparison.Ordinal)).ShouldBe(1, log);
    }

    [Fact(Timeout = 60_000)]
    public async Task Concurrent_connects_to_one_host_start_one_master()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        await using var transport = new OpenSshTransport(SshTestHosts.Settings(sshd));

        var sessions = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            transport.ConnectAsync(SshTestHosts.Host(sshd, 0), ct)));

        sessions.Distinct().Count().ShouldBe(1);
        var log = sshd.ServerLog(0);
        log.Split('\n').Count(l => l.Contains("Accepted publickey", StringComparison.Ordinal)).ShouldBe(1, log);
    }

    [Fact(Timeout = 60_000)]
    public async Task Ten_hosts_run_in_parallel_through_the_pool()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(10, ct);
        await using var pool = new SessionPool(SshTestHosts.Settings(sshd));
        var hosts = Enumerable.Range(0, 10).Select(i => SshTestHosts.Host(sshd, i)).ToList();

        var connections = await pool.ConnectAllAsync(hosts, maxParallel: 10, ct);
        connections.ShouldAllBe(c => c.Succeeded, sshd.ServerLogs());
        var results = await Task.WhenAll(connections.Select(c => c.Session!.RunAsync(
            ShellCommand.Create($"echo {c.Host.DisplayName}; cat /dev/null"), null, ct)));

        results.Select(r => r.StdoutTail.Single()).ShouldBe(hosts.Select(h => h.DisplayName));
    }

    [Fact(Timeout = 60_000)]
    public async Task Upload_is_atomic_with_the_exact_mode()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        using var dir = new TempDir();
        var target = dir.File("conf 'quoted' $(x).txt");
        await File.WriteAllTextAsync(target, "old", ct);
        await using var transport = new OpenSshTransport(SshTestHosts.Settings(sshd));
        var session = await transport.ConnectAsync(SshTestHosts.Host(sshd, 0), ct);
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

        await session.UploadAsync(new MemoryStream(Encoding.UTF8.GetBytes("new content\nline 2\n")), target, mode, ct);

        (await File.ReadAllTextAsync(target, ct)).ShouldBe("new content\nline 2\n");
        var stat = await session.RunAsync(ShellCommand.Create($"stat -c %a {target}"), null, ct);
        stat.StdoutTail.Single().ShouldBe("640");
        Directory.GetFiles(dir.Path).ShouldBe([target], "no temporary file is left behind");
    }
}
