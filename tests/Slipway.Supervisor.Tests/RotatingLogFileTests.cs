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
    public void With_no_backups_the_file_is_truncated_and_keeps_the_newest_bytes()
    {
        using var dir = new TempDir();
        var path = dir.File("p.log");
        using (var log = new RotatingLogFile(path, maxBytes: 4, backups: 0))
        {
            log.Write("12345"u8);
            File.ReadAllText(path).ShouldBe("5");
            log.Write("67"u8);
        }

        File.ReadAllText(path).ShouldBe("567");
        File.Exists(path + ".1").ShouldBeFalse();
    }

    [Fact]
    public void A_chunk_larger_than_maxbytes_is_split_across_the_rotation()
    {
        // Given a file already holding 6 of its 10 bytes
        using var dir = new TempDir();
        var path = dir.File("p.log");
        using (var log = new RotatingLogFile(path, maxBytes: 10, backups: 3))
        {
            log.Write("aaaaaa"u8);

            // When one write brings 4 + 10 + 3 bytes more
            log.Write("bbbbccccccccccddd"u8);
        }

        // Then no file holds more than the limit, and the current one holds the newest bytes
        File.ReadAllText(path).ShouldBe("ddd");
        File.ReadAllText(path + ".1").ShouldBe("cccccccccc");
        File.ReadAllText(path + ".2").ShouldBe("aaaaaabbbb");
        File.Exists(path + ".3").ShouldBeFalse();
    }

    [Fact]
    public void A_chunk_larger_than_the_whole_rotation_keeps_its_tail_only()
    {
        using var dir = new TempDir();
        var path = dir.File("p.log");
        using (var log = new RotatingLogFile(path, maxBytes: 4, backups: 2))
        {
            log.Write("old"u8);
            log.Write("0123456789abcdefghij"u8);
        }

        // "old0" "1234" "5678" "9abc" "defg" "hij": the last three files survive
        File.ReadAllText(path).ShouldBe("hij");
        File.ReadAllText(path + ".1").ShouldBe("defg");
        File.ReadAllText(path + ".2").ShouldBe("9abc");
        File.Exists(path + ".3").ShouldBeFalse();
    }

    [Fact]
    public void A_file_filled_exactly_is_rotated_by_the_next_write_not_before()
    {
        using var dir = new TempDir();
        var path = dir.File("p.log");
        using var log = new RotatingLogFile(path, maxBytes: 4, backups: 1);
        log.Write("abcd"u8);
        File.ReadAllText(path).ShouldBe("abcd");
        File.Exists(path + ".1").ShouldBeFalse();
        log.Write("e"u8);
        File.ReadAllText(path).ShouldBe("e");
        File.ReadAllText(path + ".1").ShouldBe("abcd");
    }

    [Fact]
    public void A_file_over_the_limit_from_an_earlier_run_is_rotated_before_the_first_write()
    {
        using var dir = new TempDir();
        var path = dir.File("p.log");
        File.WriteAllText(path, "0123456789");
        using (var log = new RotatingLogFile(path, maxBytes: 4, backups: 1))
        {
            log.Write("xy"u8);
        }

        File.ReadAllText(path).ShouldBe("xy");
        File.ReadAllText(path + ".1").ShouldBe("0123456789");
    }

    [Theory]
    [InlineData(0, 10, 3, 5, 0, false)] // fits
    [InlineData(6, 10, 3, 4, 0, false)] // fills exactly: rotated by the next write
    [InlineData(6, 10, 3, 17, 0, false)] // two fresh files: the current one survives as .2
    [InlineData(6, 10, 1, 17, 4, true)] // two fresh files but one backup: the old file goes, and the 4 bytes that filled it
    [InlineData(3, 4, 2, 20, 9, true)] // 1 fits, then 5 fresh files of which 3 survive: 4+4+3 of 20
    [InlineData(0, 4, 0, 9, 8, true)] // no backups: the last partial file only
    [InlineData(0, 4, 0, 8, 4, true)] // no backups: the last file may be full
    [InlineData(100, 0, 3, 9, 0, false)] // maxbytes 0: never rotated
    public void Plan_splits_a_chunk(long size, long maxBytes, int backups, int length, int skip, bool afresh) =>
        RotationSplit.Plan(size, maxBytes, backups, length).ShouldBe(new RotationSplit(skip, afresh));

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
    public void Clear_empties_the_file_and_keeps_its_backups()
    {
        using var dir = new TempDir();
        var path = dir.File("p.log");
        using var log = new RotatingLogFile(path, maxBytes: 3, backups: 1);
        log.Write("abcd"u8);
        log.Write("e"u8);
        log.Clear();
        File.ReadAllText(path).ShouldBe("");
        File.ReadAllText(path + ".1").ShouldBe("abc"); // supervisord removes only the base file
        log.Write("f"u8);
        File.ReadAllText(path).ShouldBe("f");
    }

    [Fact]
    public void Output_to_a_full_disk_is_dropped_counted_and_told_once()
    {
        // /dev/full answers every write with ENOSPC, as a full file system does.
        var said = new List<string>();
        var failures = new LogWriteFailures((level, message) => said.Add(level + " " + message));
        using (var log = new RotatingLogFile("/dev/full", maxBytes: 1024, backups: 1, failures))
        {
            for (var i = 0; i < 100; i++)
            {
                log.Write("a line of output\n"u8);
            }
        }

        failures.DroppedBytes.ShouldBe(1700);
        said.ShouldBe(["error could not write to /dev/full (No space left on device): dropping the program's output until it can be written again; " +
            "supervisor_log_dropped_bytes_total counts it"]);
    }
}
