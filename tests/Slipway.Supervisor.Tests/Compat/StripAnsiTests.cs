using Slipway.Testing;

namespace Slipway.Supervisor.Tests.Compat;

/// <summary><c>[supervisord] strip_ansi=true</c>: colour escapes never reach a program's log; the same expectations for both daemons.</summary>
public sealed class StripAnsiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Daemon.Supervisord)]
    [InlineData(Daemon.Slipway)]
    [InlineData(Daemon.SlipwayNative)]
    public async Task Strip_ansi_removes_colour_escapes_from_the_logs(string kind)
    {
        await using var d = await Daemon.StartAsync(kind, """
            [supervisord]
            strip_ansi=true

            [program:colour]
            command=/bin/sh -c "printf '\033[1;31mred\033[0m and plain\n'; printf '\033[32mgreen\033[0m on stderr\n' >&2; exec sleep 1600"
            startsecs=0
            stdout_logfile={dir}/colour.out
            stderr_logfile={dir}/colour.err

            [program:raw]
            command=/bin/sh -c "printf 'kept \033]0;title\007 as is\n'; exec sleep 1601"
            startsecs=0
            stdout_logfile={dir}/raw.out

            """, Ct);
        await d.WaitForAsync("colour", "RUNNING", Ct);
        (await Eventually.ForAsync(() => Task.FromResult(File.Exists(d.Dir.File("colour.err")) && new FileInfo(d.Dir.File("colour.err")).Length > 0
            && File.Exists(d.Dir.File("raw.out")) && new FileInfo(d.Dir.File("raw.out")).Length > 0), TimeSpan.FromSeconds(10), Ct)).ShouldBeTrue();
        (await File.ReadAllTextAsync(d.Dir.File("colour.out"), Ct)).ShouldBe("red and plain\n");
        (await File.ReadAllTextAsync(d.Dir.File("colour.err"), Ct)).ShouldBe("green on stderr\n");
        (await File.ReadAllTextAsync(d.Dir.File("raw.out"), Ct)).ShouldBe("kept \u001b]0;title\u0007 as is\n"); // only CSI escapes go
        (await d.CtlAsync(Ct, "tail", "colour")).Output.ShouldBe("red and plain\n\n"); // supervisorctl adds the last newline
    }
}
