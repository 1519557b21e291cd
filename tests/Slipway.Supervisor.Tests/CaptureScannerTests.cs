using System.Text;
using Slipway.Supervisor.Logging;

namespace Slipway.Supervisor.Tests;

public sealed class CaptureScannerTests
{
    private const string Begin = "<!--XSUPERVISOR:BEGIN-->";
    private const string End = "<!--XSUPERVISOR:END-->";

    /// <summary>Records what the scanner sorted: the log's bytes, the block text as it came, the messages.</summary>
    private sealed class Recorder : ICaptureSink
    {
        public StringBuilder Log { get; } = new();

        public StringBuilder Block { get; } = new();

        public List<string> Messages { get; } = [];

        public void Output(ReadOnlySpan<byte> data) => Log.Append(Encoding.Latin1.GetString(data));

        public void Captured(ReadOnlySpan<byte> data) => Block.Append(Encoding.Latin1.GetString(data));

        public void Message(byte[] data) => Messages.Add(Encoding.Latin1.GetString(data));
    }

    private static Recorder Run(long maxBytes, params string[] reads)
    {
        var scanner = new CaptureScanner(maxBytes);
        var sink = new Recorder();
        foreach (var read in reads)
        {
            scanner.Feed(Encoding.Latin1.GetBytes(read), sink);
        }

        scanner.Close(sink);
        return sink;
    }

    [Fact]
    public void Output_without_tokens_goes_to_the_log_unchanged()
    {
        var r = Run(100, "one\n", "two\n", "<not a token>\n");
        r.Log.ToString().ShouldBe("one\ntwo\n<not a token>\n");
        r.Messages.ShouldBeEmpty();
    }

    [Fact]
    public void A_block_is_kept_out_of_the_log_and_sent_as_one_message_at_END()
    {
        var r = Run(100, $"before\n{Begin}payload\nline 2{End}after\n");
        r.Log.ToString().ShouldBe("before\nafter\n");
        r.Messages.ShouldBe(["payload\nline 2"]);
        r.Block.ToString().ShouldBe("payload\nline 2");
    }

    [Fact]
    public void Tokens_split_at_any_read_boundary_are_still_found()
    {
        var stream = $"ordinary line\n{Begin}the payload{End}tail line\n{Begin}second{End}";
        for (var cut = 1; cut < stream.Length; cut++)
        {
            var r = Run(1000, stream[..cut], stream[cut..]);
            r.Log.ToString().ShouldBe("ordinary line\ntail line\n", $"cut at {cut}");
            r.Messages.ShouldBe(["the payload", "second"], $"cut at {cut}");
        }
    }

    [Fact]
    public void One_byte_per_read_gives_the_same_result()
    {
        var stream = $"a{Begin}xyz{End}b<!--XSUPERVISOR:BEG\n";
        var r = Run(1000, stream.Select(c => c.ToString()).ToArray());
        r.Log.ToString().ShouldBe("ab<!--XSUPERVISOR:BEG\n");
        r.Messages.ShouldBe(["xyz"]);
    }

    [Fact]
    public void A_possible_token_start_waits_for_the_next_read_and_goes_to_the_log_when_it_is_not_one()
    {
        var scanner = new CaptureScanner(100);
        var sink = new Recorder();
        scanner.Feed("text <!--XSUPER"u8, sink);
        sink.Log.ToString().ShouldBe("text ");
        scanner.Pending.ShouldBe(10);
        scanner.Feed("VISED-->\n"u8, sink);
        sink.Log.ToString().ShouldBe("text <!--XSUPERVISED-->\n");
        scanner.Pending.ShouldBe(0);
    }

    [Fact]
    public void A_held_back_tail_is_written_when_the_pipe_closes()
    {
        var r = Run(100, "last words <!--");
        r.Log.ToString().ShouldBe("last words <!--");
    }

    [Fact]
    public void A_BEGIN_inside_a_block_is_data()
    {
        var r = Run(100, $"{Begin}a{Begin}b{End}c");
        r.Messages.ShouldBe([$"a{Begin}b"]);
        r.Log.ToString().ShouldBe("c");
    }

    [Fact]
    public void An_END_outside_a_block_is_ordinary_output()
    {
        var r = Run(100, $"x{End}y");
        r.Log.ToString().ShouldBe($"x{End}y");
        r.Messages.ShouldBeEmpty();
    }

    [Fact]
    public void A_block_never_ended_is_never_logged_nor_sent()
    {
        var scanner = new CaptureScanner(100);
        var sink = new Recorder();
        scanner.Feed(Encoding.Latin1.GetBytes($"up{Begin}this is never ended, and more than twenty-two bytes"), sink);
        scanner.Feed("\nstill inside\n"u8, sink);
        scanner.Capturing.ShouldBeTrue();
        scanner.Close(sink);
        sink.Log.ToString().ShouldBe("up");
        sink.Messages.ShouldBeEmpty();
    }

    [Fact]
    public void Inside_a_block_a_short_tail_waits_so_small_writes_reach_the_buffer_as_one()
    {
        // supervisord holds up to len(END) bytes in capture mode: three 5-byte reads are one 15-byte write, which
        // the 10-byte buffer keeps whole (a single write is never cut).
        var r = Run(10, Begin, "12345", "67890", "abcde", End);
        r.Messages.ShouldBe(["1234567890abcde"]);
    }

    [Fact]
    public void Past_capture_maxbytes_the_oldest_writes_are_dropped_as_supervisord_does()
    {
        var a = new string('a', 30);
        var b = new string('b', 30);
        var c = new string('c', 30);
        var d = new string('d', 30);
        Run(100, Begin, a, b, c, d, End).Messages.ShouldBe([b + c + d]);
        Run(50, Begin, a, b, End).Messages.ShouldBe([b]);

        // the log never sees any of it
        Run(50, Begin, a, b, End).Log.ToString().ShouldBeEmpty();
    }

    [Fact]
    public void The_buffer_is_emptied_after_each_message()
    {
        var r = Run(1000, $"{Begin}first{End}", $"{Begin}second{End}");
        r.Messages.ShouldBe(["first", "second"]);
    }

    [Fact]
    public void An_empty_block_sends_an_empty_message()
    {
        Run(100, $"{Begin}{End}").Messages.ShouldBe([""]);
    }

    [Fact]
    public void Empty_reads_change_nothing()
    {
        var r = Run(100, "", $"a{Begin}", "", "payload that is long enough to pass", "", $"{End}b", "");
        r.Log.ToString().ShouldBe("ab");
        r.Messages.ShouldBe(["payload that is long enough to pass"]);
    }

    [Fact]
    public void Capture_buffer_follows_BoundIO()
    {
        var buffer = new CaptureBuffer(10);
        buffer.Write("12345678"u8);
        buffer.Write("abcde"u8); // 13 > 10: the oldest 5 go
        Encoding.ASCII.GetString(buffer.ToArray()).ShouldBe("678abcde");
        buffer.Write("0123456789012"u8); // longer than everything kept: only the new write stays
        Encoding.ASCII.GetString(buffer.ToArray()).ShouldBe("0123456789012");
        buffer.Clear();
        buffer.Length.ShouldBe(0);
    }

    [Theory]
    [InlineData("abc", "<!--X", 0)]
    [InlineData("abc<", "<!--X", 1)]
    [InlineData("abc<!--", "<!--X", 4)]
    [InlineData("a<!", "<!--X", 2)]
    [InlineData("", "<!--X", 0)]
    public void Prefix_at_end(string data, string token, int expected) =>
        CaptureScanner.PrefixAtEnd(Encoding.ASCII.GetBytes(data), Encoding.ASCII.GetBytes(token)).ShouldBe(expected);
}
