using System.Text;
using Slipway.Supervisor.Logging;
using Slipway.Testing;

namespace Slipway.Supervisor.Tests;

public sealed class RotatingLogFileTests
{
    [Fact]
    public void Rotates_at_maxbytes_keeping_backups()
    {
        using var dir = new TempDir();
        var path = dir.File("p.log");
        using (var log = new RotatingLogFile(path, maxBytes: 10, backups: 2))
        {
            foreach (var chunk in new[] { "aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc", "dd" })
            {
                log.Write(Encoding.ASCII.GetBytes(chunk));
            }
        }

        File.ReadAllText(path).ShouldBe("dd");
        File.ReadAllText(path + ".1").ShouldBe("cccccccccc");
        File.ReadAllText(path + ".2").ShouldBe("bbbbbbbbbb");
        File.Exists(path + ".3").ShouldBeFalse();
    }

    [Fact]
    public void With_no_backups_the_file_is_truncated()
    {
        using var dir = new TempDir();
        var path = dir.File("p.log");
        using (var log = new RotatingLogFile(path, maxBytes: 4, backups: 0))
        {
            log.Write("12345"u8);
            log.Write("67"u8);
        }

        File.ReadAllText(path).ShouldBe("67");
        File.Exists(path + ".1").ShouldBeFalse();
    }

    [Fact]
    public async Task A_file_that_cannot_seek_is_written_through_and_never_rotated()
    {
        // The /dev/stdout case (supervisord's "Illegal seek"): a FIFO cannot seek either.
        using var dir = new TempDir();
        var fifo = dir.File("fifo");
        (await ProcessTools.RunAsync("mkfifo", [fifo], TestContext.Current.CancellationToken)).ExitCode.ShouldBe(0);
        var reader = Task.Run(() => File.ReadAllText(fifo), TestContext.Current.CancellationToken);
        using (var log = new RotatingLogFile(fifo, maxBytes: 4, backups: 1))
        {
            log.Write("hello "u8);
            log.Write("world"u8);
        }

        (await reader).ShouldBe("hello world");
        File.Exists(fifo + ".1").ShouldBeFalse();
    }

    [Fact]
    public void Clear_removes_the_file_and_its_backups_and_starts_empty()
    {
        using var dir = new TempDir();
        var path = dir.File("p.log");
        using var log = new RotatingLogFile(path, maxBytes: 3, backups: 1);
        log.Write("abcd"u8);
        log.Write("e"u8);
        log.Clear();
        File.ReadAllText(path).ShouldBe("");
        File.Exists(path + ".1").ShouldBeFalse();
        log.Write("f"u8);
        File.ReadAllText(path).ShouldBe("f");
    }
}
