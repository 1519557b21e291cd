using Slipway.Testing;

namespace Slipway.Supervisor.Tests.Compat;

/// <summary>
/// A burst of output against <c>stdout_logfile_maxbytes</c> (issue 15.1) and <c>clear</c> (issue 15.2): the same
/// expectations for supervisord and both builds of ours.
/// </summary>
public sealed class LogRotationTests
{
    private const long MaxBytes = 64 * 1024;
    private const string LastLine = "line 20000 of a burst, padded to about sixty bytes\n";

    private static readonly string[] LogFiles = ["chatty.log", "chatty.log.1", "chatty.log.2", "chatty.log.3"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // 20,000 lines of 51 bytes at once: about 1 MB, 15 times the limit.
    private const string Chatty = """
        [program:chatty]
        command=/bin/sh -c 'seq -f "line %%05g of a burst, padded to about sixty bytes" 1 20000; exec sleep 1700'
        startsecs=0
        redirect_stderr=true
        stdout_logfile={dir}/chatty.log
        stdout_logfile_maxbytes=64KB
        stdout_logfile_backups=3

        """;

    [Theory]
    [InlineData(Daemon.Supervisord)]
    [InlineData(Daemon.Slipway)]
    [InlineData(Daemon.SlipwayNative)]
    public async Task A_burst_keeps_every_file_near_the_limit_and_tail_shows_its_last_lines(string kind)
    {
        await using var d = await Daemon.StartAsync(kind, Chatty, Ct);
        await d.WaitForAsync("chatty", "RUNNING", Ct);
        var tailed = await Eventually.ForAsync(async () => (await d.CtlAsync(Ct, "tail", "-200", "chatty")).Output.EndsWith(LastLine + "\n", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), Ct);
        tailed.ShouldBeTrue($"{kind}: tail -200 chatty: {(await d.CtlAsync(Ct, "tail", "-200", "chatty")).Output}");

        var files = LogFiles.Select(f => new FileInfo(d.Dir.File(f))).ToList();
        File.Exists(d.Dir.File("chatty.log.4")).ShouldBeFalse();
        foreach (var file in files)
        {
            file.Exists.ShouldBeTrue(file.Name);
            // supervisord writes a whole read (one pipe buffer at most) before it rotates; ours splits it at the limit.
            file.Length.ShouldBeLessThanOrEqualTo(kind == Daemon.Supervisord ? MaxBytes + (64 * 1024) : MaxBytes, file.Name);
        }

        files.Skip(1).ShouldAllBe(f => f.Length >= MaxBytes, "a backup is a full file");
    }

    [Theory]
    [InlineData(Daemon.Supervisord)]
    [InlineData(Daemon.Slipway)]
    [InlineData(Daemon.SlipwayNative)]
    public async Task Clear_empties_the_log_and_keeps_its_backups(string kind)
    {
        await using var d = await Daemon.StartAsync(kind, Chatty, Ct);
        await d.WaitForAsync("chatty", "RUNNING", Ct);
        (await Eventually.ForAsync(async () => (await d.CtlAsync(Ct, "tail", "chatty")).Output.EndsWith(LastLine + "\n", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), Ct)).ShouldBeTrue();
        var backups = new List<byte[]>();
        for (var i = 1; i <= 3; i++)
        {
            backups.Add(await File.ReadAllBytesAsync(d.Dir.File($"chatty.log.{i}"), Ct));
        }

        (await d.CtlAsync(Ct, "clear", "chatty")).Output.ShouldBe("chatty: cleared\n");

        new FileInfo(d.Dir.File("chatty.log")).Length.ShouldBe(0);
        (await d.CtlAsync(Ct, "tail", "chatty")).Output.ShouldBe("\n");
        for (var i = 1; i <= 3; i++)
        {
            (await File.ReadAllBytesAsync(d.Dir.File($"chatty.log.{i}"), Ct)).ShouldBe(backups[i - 1], $"chatty.log.{i}");
        }
    }
}
