using System.ComponentModel;
using Slipway.Core.Posix;
using Slipway.Testing;

namespace Slipway.Core.Tests.Posix;

/// <summary>Real children through <see cref="CapturedProcess"/>: exit codes, signals, output, process-group kills.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CapturedProcessTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private static readonly Dictionary<string, string> NoEnvironment = [];

    public CapturedProcessTests()
    {
        Assert.SkipUnless(CapturedProcess.IsSupported, "needs Linux with pidfd_open");
    }

    [Theory(Timeout = 60_000)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(139)]
    [InlineData(255)]
    public async Task The_exit_code_and_stdout_come_back(int code)
    {
        var process = Sh($"echo 'OK - fine | t=1s'; exit {code}");

        (await process.Exited.WaitAsync(Wait, TestContext.Current.CancellationToken)).ShouldBe(code);
        await process.OutputClosed.WaitAsync(Wait, TestContext.Current.CancellationToken);
        process.Stdout().ShouldBe("OK - fine | t=1s\n");
        process.Stderr().ShouldBe("");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_child_killed_by_a_signal_exits_with_128_plus_the_signal()
    {
        var process = Sh("kill -SEGV $$");

        (await process.Exited.WaitAsync(Wait, TestContext.Current.CancellationToken)).ShouldBe(128 + 11);
    }

    [Fact(Timeout = 60_000)]
    public async Task Stderr_is_kept_apart_from_stdout()
    {
        var process = Sh("echo out; echo err >&2");

        await process.OutputClosed.WaitAsync(Wait, TestContext.Current.CancellationToken);
        process.Stdout().ShouldBe("out\n");
        process.Stderr().ShouldBe("err\n");
    }

    [Fact(Timeout = 60_000)]
    public async Task Large_output_is_read_whole_up_to_the_cap_and_the_rest_drained()
    {
        // 1 MiB through a 64 KiB pipe: the child finishes only if the reactor keeps reading past the cap.
        var process = CapturedProcess.Start(["sh", "-c", "head -c 1048576 /dev/zero | tr '\\0' x; echo; echo done >&2"], NoEnvironment, 200_000);

        (await process.Exited.WaitAsync(Wait, TestContext.Current.CancellationToken)).ShouldBe(0);
        await process.OutputClosed.WaitAsync(Wait, TestContext.Current.CancellationToken);
        var stdout = process.Stdout();
        stdout.Length.ShouldBe(200_000);
        stdout.ShouldAllBe(c => c == 'x');
        process.Stderr().ShouldBe("done\n");
    }

    [Fact(Timeout = 60_000)]
    public async Task Output_larger_than_a_pipe_below_the_cap_is_complete()
    {
        var process = Sh("seq 1 100000");

        (await process.Exited.WaitAsync(Wait, TestContext.Current.CancellationToken)).ShouldBe(0);
        await process.OutputClosed.WaitAsync(Wait, TestContext.Current.CancellationToken);
        var lines = process.Stdout().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(100_000);
        lines[^1].ShouldBe("100000");
    }

    [Fact(Timeout = 60_000)]
    public async Task Killing_the_process_group_takes_the_children_it_started()
    {
        using var dir = new TempDir();
        var process = Sh($"sleep 300 & echo $! > {dir.File("child")}; echo started; wait");
        (await Eventually.ForAsync(async () => File.Exists(dir.File("child")) && (await File.ReadAllTextAsync(dir.File("child"))).EndsWith('\n'),
            Wait, TestContext.Current.CancellationToken)).ShouldBeTrue();
        var child = (await File.ReadAllTextAsync(dir.File("child"), TestContext.Current.CancellationToken)).Trim();

        process.KillProcessGroup();

        (await process.Exited.WaitAsync(Wait, TestContext.Current.CancellationToken)).ShouldBe(128 + 9);
        await process.OutputClosed.WaitAsync(Wait, TestContext.Current.CancellationToken);
        process.Stdout().ShouldBe("started\n");
        (await Eventually.ForAsync(() => !Directory.Exists($"/proc/{child}") || IsZombie(child), Wait, TestContext.Current.CancellationToken)).ShouldBeTrue($"sleep {child} still runs");
    }

    [Fact(Timeout = 60_000)]
    public async Task The_child_leads_its_own_process_group()
    {
        var process = Sh("ps -o pgid= -p $$");

        await process.OutputClosed.WaitAsync(Wait, TestContext.Current.CancellationToken);
        process.Stdout().Trim().ShouldBe(process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_left_behind_child_holds_the_output_open_after_the_exit()
    {
        var process = Sh("(sleep 300; echo late) & echo early");

        (await process.Exited.WaitAsync(Wait, TestContext.Current.CancellationToken)).ShouldBe(0);
        (await Task.WhenAny(process.OutputClosed, Task.Delay(300, TestContext.Current.CancellationToken))).ShouldNotBe(process.OutputClosed);
        process.Stdout().ShouldBe("early\n");

        process.KillProcessGroup();

        await process.OutputClosed.WaitAsync(Wait, TestContext.Current.CancellationToken);
        process.Stdout().ShouldBe("early\n");
    }

    [Fact(Timeout = 60_000)]
    public async Task Stdin_is_empty_the_environment_is_added_and_sigpipe_is_at_its_default()
    {
        // `yes | head -1` ends only if yes dies of SIGPIPE: the runtime ignores SIGPIPE, the child must not.
        var process = CapturedProcess.Start(["sh", "-c", "cat; echo \"$SLIPWAY_TEST_VALUE\"; yes | head -1"],
            new Dictionary<string, string> { ["SLIPWAY_TEST_VALUE"] = "from the caller" }, 4096);

        (await process.Exited.WaitAsync(Wait, TestContext.Current.CancellationToken)).ShouldBe(0);
        await process.OutputClosed.WaitAsync(Wait, TestContext.Current.CancellationToken);
        process.Stdout().ShouldBe("from the caller\ny\n");
    }

    [Fact]
    public void A_missing_program_throws_with_the_reason()
    {
        var e = Should.Throw<Win32Exception>(() => CapturedProcess.Start(["/nonexistent/check_nothing"], NoEnvironment, 4096));
        e.Message.ShouldContain("No such file or directory");
    }

    [Fact(Timeout = 60_000)]
    public async Task Many_children_at_once_each_get_their_own_output_and_code()
    {
        var processes = Enumerable.Range(0, 50).Select(i => Sh($"echo child {i}; exit {i % 4}")).ToList();

        for (var i = 0; i < processes.Count; i++)
        {
            (await processes[i].Exited.WaitAsync(Wait, TestContext.Current.CancellationToken)).ShouldBe(i % 4);
            await processes[i].OutputClosed.WaitAsync(Wait, TestContext.Current.CancellationToken);
            processes[i].Stdout().ShouldBe($"child {i}\n");
        }
    }

    private static CapturedProcess Sh(string script) => CapturedProcess.Start(["sh", "-c", script], NoEnvironment, 1 << 20);

    private static bool IsZombie(string pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }
}
