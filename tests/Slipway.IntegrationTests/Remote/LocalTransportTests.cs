using System.Collections.Concurrent;
using System.Text;
using Slipway.Core.Config;
using Slipway.Core.Shell;
using Slipway.Remote;
using Slipway.Remote.Local;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Remote;

public sealed class LocalTransportTests
{
    private static readonly HostConfig Localhost = new() { Host = "localhost", Transport = TransportKind.Local };

    [Fact(Timeout = 60_000)]
    public async Task Output_exit_code_cwd_and_environment()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        await using var transport = new LocalTransport();
        var session = await transport.ConnectAsync(Localhost, ct);
        var lines = new ConcurrentQueue<OutputLine>();
        var options = new RunOptions
        {
            WorkingDirectory = dir.Path,
            Environment = new Dictionary<string, string> { ["V"] = "a b $(c)" },
            Output = lines.Enqueue,
        };

        var result = await session.RunAsync(ShellCommand.Raw("pwd; echo \"$V\"; echo oops >&2; exit 4"), options, ct);

        result.ExitCode.ShouldBe(4);
        result.StdoutTail.ShouldBe([dir.Path, "a b $(c)"]);
        result.StderrTail.ShouldBe(["oops"]);
        lines.Count.ShouldBe(3);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cancelling_kills_the_whole_process_tree()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var transport = new LocalTransport();
        var session = await transport.ConnectAsync(Localhost, ct);
        var marker = "302." + Random.Shared.Next(10000, 99999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var started = new TaskCompletionSource();
        var signal = new RunOptions { Output = _ => started.TrySetResult() };
        var run = session.RunAsync(ShellCommand.Create($"echo started; sleep {marker}; true"), signal, cancel.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);

        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => run);
        SshTestHosts.LocalProcessesWith(marker).ShouldBeEmpty();
    }

    [Fact(Timeout = 60_000)]
    public async Task A_timeout_kills_the_tree_and_names_the_limit()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var transport = new LocalTransport(new SshSettings { CommandTimeout = TimeSpan.FromMilliseconds(300) });
        var session = await transport.ConnectAsync(Localhost, ct);
        var marker = "303." + Random.Shared.Next(10000, 99999).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var error = await Should.ThrowAsync<TimeoutException>(
            () => session.RunAsync(ShellCommand.Create($"sleep {marker}; true"), null, ct));

        error.Message.ShouldContain("localhost");
        error.Message.ShouldContain("sleep " + marker);
        error.Message.ShouldContain("0.3s");
        SshTestHosts.LocalProcessesWith(marker).ShouldBeEmpty();
    }

    [Fact(Timeout = 60_000)]
    public async Task Upload_replaces_atomically_with_the_exact_mode()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var target = dir.Write("app.conf", "old");
        await using var transport = new LocalTransport();
        var session = await transport.ConnectAsync(Localhost, ct);

        await session.UploadAsync(new MemoryStream(Encoding.UTF8.GetBytes("new")), target, (UnixFileMode)Convert.ToInt32("640", 8), ct);

        (await File.ReadAllTextAsync(target, ct)).ShouldBe("new");
        (await session.RunAsync(ShellCommand.Create($"stat -c %a {target}"), null, ct)).StdoutTail.ShouldBe(["640"]);
        Directory.GetFiles(dir.Path).ShouldBe([target]);
    }

    [Fact(Timeout = 60_000)]
    public async Task Hostile_values_are_data()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var marker = dir.File("pwned");
        var hostile = $"$(touch {marker}); `touch {marker}` ' \"";
        await using var transport = new LocalTransport();
        var session = await transport.ConnectAsync(Localhost, ct);

        var result = await session.RunAsync(ShellCommand.Create($"printf '%s\\n' {hostile}"), null, ct);

        result.StdoutTail.ShouldBe([hostile]);
        File.Exists(marker).ShouldBeFalse();
    }
}
