using System.Diagnostics;
using Slipway.Core.Config;
using Slipway.Core.Layout;
using Slipway.Core.Shell;
using Slipway.Deploy.Execution;
using Slipway.Deploy.Model;
using Slipway.Deploy.Scripts;
using Slipway.Testing;

namespace Slipway.Deploy.Tests;

/// <summary>The phase scripts run through the real /bin/sh on a temporary directory (no SSH).</summary>
public sealed class ScriptTests
{
    private static async Task<ScriptRun> RunAsync(ShellCommand script)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script.Text);
        using var process = Process.Start(psi)!;
        var run = new ScriptRun();
        while (await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
        {
            run.Accept(line);
        }

        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        run.ExitCode = process.ExitCode;
        return run;
    }

    private static LockRecord Lock(string token) => new()
    {
        Token = token, User = "u", Machine = "m", Pid = 1, Stage = "s", Action = "deploy",
        Started = DateTimeOffset.UnixEpoch, Expires = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public async Task The_check_script_takes_the_lock_once_and_reports_every_miss()
    {
        using var dir = new TempDir();
        var paths = new HostLayout(dir.File("app with 'quotes'"));
        RequirementConfig[] requirements =
        [
            new() { Kind = RequirementKind.Command, Target = "sh" },
            new() { Kind = RequirementKind.Command, Target = "no-such-command-x" },
            new() { Kind = RequirementKind.FreeDisk, Target = "/", MinimumBytes = 1L << 60 },
        ];

        var first = await RunAsync(DeployScripts.Check(paths, Lock("one"), [".env"], requirements));
        var second = await RunAsync(DeployScripts.Check(paths, Lock("two"), [], []));

        first.ExitCode.ShouldBe(1);
        first.Values("locked").ShouldHaveSingleItem();
        first.Values("missing").Count().ShouldBe(3);
        first.Values("missing").ShouldContain("command 'no-such-command-x' not found on PATH");
        second.ExitCode.ShouldBe(DeployScripts.LockHeldExitCode);
        LockRecord.Parse(second.Values("lockinfo"))!.Token.ShouldBe("one");

        await RunAsync(DeployScripts.UnlockScript(paths, "two")); // not ours: stays
        Directory.Exists(paths.LockDir).ShouldBeTrue();
        await RunAsync(DeployScripts.UnlockScript(paths, "one"));
        Directory.Exists(paths.LockDir).ShouldBeFalse();
    }

    [Fact]
    public async Task A_failing_step_names_itself_with_its_exit_code_and_keeps_its_output()
    {
        using var dir = new TempDir();
        var paths = new HostLayout(dir.Path);
        Directory.CreateDirectory(paths.Releases);
        var context = new ReleaseContext(paths, "prod", "20260101000000", "abc", "main", null, "h1");
        var hooks = new HookSteps([], [new HookConfig { Run = "echo in $(basename $PWD) for $SLIPWAY_STAGE; echo bad >&2; exit 7" }]);
        await File.WriteAllTextAsync(paths.Archive("20260101000000"), "", TestContext.Current.CancellationToken);
        await RunAsync(ShellCommand.Create($"tar -cf {paths.Archive("20260101000000")} -T /dev/null"));

        var run = await RunAsync(DeployScripts.Update(context, new SourcePlan(SourceStrategy.Upload, "x", null), new SharedLinks(["media"], []), hooks));

        run.Succeeded.ShouldBeFalse();
        run.FailedStep.ShouldBe("after_update[0]");
        run.StepExitCode.ShouldBe(7);
        run.Tail().ShouldBe(["in 20260101000000 for prod", "bad"]);
        new DirectoryInfo(Path.Combine(paths.Release("20260101000000"), "media")).LinkTarget.ShouldBe(paths.Shared + "/media");
    }

    [Fact]
    public async Task A_hook_holding_a_secret_runs_it_but_every_script_shows_it_redacted()
    {
        using var dir = new TempDir();
        var paths = new HostLayout(dir.Path);
        Directory.CreateDirectory(paths.Release("20260101000000"));
        var context = new ReleaseContext(paths, "prod", "20260101000000", "abc", "main", null, "h1");
        var hook = new HookConfig { Run = "echo s3cr3t-value > out.txt", Shown = "echo *** > out.txt" };

        var publish = DeployScripts.Publish(context, new HookSteps([], [hook]), "t");
        var abort = DeployScripts.Abort(context, null, [hook], "t");
        var run = await RunAsync(publish);

        run.Succeeded.ShouldBeTrue();
        (await File.ReadAllTextAsync(Path.Combine(paths.Release("20260101000000"), "out.txt"), TestContext.Current.CancellationToken)).Trim().ShouldBe("s3cr3t-value");
        publish.ToString().ShouldNotContain("s3cr3t-value");
        publish.ToString().ShouldContain("echo *** > out.txt");
        abort.ToString().ShouldNotContain("s3cr3t-value");
        abort.Text.ShouldContain("s3cr3t-value");
    }

    [Fact]
    public async Task Publish_renames_a_new_link_over_current()
    {
        using var dir = new TempDir();
        var paths = new HostLayout(dir.Path);
        Directory.CreateDirectory(paths.Release("20260101000000"));
        Directory.CreateDirectory(paths.Release("20260102000000"));
        var context = new ReleaseContext(paths, "prod", "20260102000000", "abc", "main", null, "h1");

        (await RunAsync(DeployScripts.Publish(context with { Release = "20260101000000" }, HookSteps.None, "t"))).Succeeded.ShouldBeTrue();
        (await RunAsync(DeployScripts.Publish(context, HookSteps.None, "t"))).Succeeded.ShouldBeTrue();

        new DirectoryInfo(paths.Current).LinkTarget.ShouldBe(paths.Release("20260102000000"));
        Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName).Order().ShouldBe(["current", "releases"]);
    }
}
