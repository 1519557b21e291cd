using System.Text;
using Slipway.Logs.Parsing;

namespace Slipway.Logs.Tests;

public sealed class SyslogFrameDecoderTests
{
    private static List<(string Text, bool Truncated)> Decode(SyslogFrameDecoder decoder, byte[] data, int chunk)
    {
        var frames = new List<(string, bool)>();
        void OnFrame(ReadOnlySpan<byte> f, bool t) => frames.Add((Encoding.UTF8.GetString(f), t));
        for (var i = 0; i < data.Length; i += chunk)
        {
            decoder.Feed(data.AsSpan(i, Math.Min(chunk, data.Length - i)), OnFrame);
        }

        decoder.Complete(OnFrame);
        return frames;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4096)]
    public void Octet_counted_and_lf_framed_messages_mix_on_one_stream_in_any_chunking(int chunk)
    {
        var data = Encoding.UTF8.GetBytes("11 <13>1 - a\nb<14>line two\r\n<15>line three\0" + "5 <1>xy" + "<16>last without trailer");

        var frames = Decode(new SyslogFrameDecoder(), data, chunk);

        frames.Select(f => f.Text).ShouldBe(["<13>1 - a\nb", "<14>line two", "<15>line three", "<1>xy", "<16>last without trailer"]);
        frames.ShouldAllBe(f => !f.Truncated);
    }

    [Fact]
    public void Raw_lines_that_start_with_digits_are_read_as_lines()
    {
        var frames = Decode(new SyslogFrameDecoder(), "10.0.0.1 - GET / 200\n1234567890123 too long a number\n"u8.ToArray(), 7);
        frames.Select(f => f.Text).ShouldBe(["10.0.0.1 - GET / 200", "1234567890123 too long a number"]);
    }

    [Fact]
    public void Oversize_frames_are_cut_flagged_and_the_stream_stays_in_sync()
    {
        var big = new string('x', 5000);
        var data = Encoding.UTF8.GetBytes($"<13>{big}\n{big.Length + 4} <13>{big}<14>after\n");

        var frames = Decode(new SyslogFrameDecoder(maxFrameBytes: 100), data, 333);

        frames.Count.ShouldBe(3);
        frames[0].Text.Length.ShouldBe(100);
        frames[0].Truncated.ShouldBeTrue();
        frames[1].Text.Length.ShouldBe(100);
        frames[1].Truncated.ShouldBeTrue();
        frames[2].ShouldBe(("<14>after", false));
    }

    [Fact]
    public void A_connection_closed_mid_frame_delivers_what_came_flagged_as_cut()
    {
        var frames = Decode(new SyslogFrameDecoder(), "20 <13>short"u8.ToArray(), 4);
        frames.ShouldBe([("<13>short", true)]);
    }

    [Fact]
    public void Random_bytes_never_throw_and_no_frame_exceeds_the_limit()
    {
        var random = new Random(7);
        var decoder = new SyslogFrameDecoder(maxFrameBytes: 512);
        var buffer = new byte[4096];
        var count = 0;
        for (var i = 0; i < 5_000; i++)
        {
            random.NextBytes(buffer);
            decoder.Feed(buffer.AsSpan(0, random.Next(buffer.Length)), (f, _) =>
            {
                f.Length.ShouldBeLessThanOrEqualTo(512);
                count++;
            });
        }

        count.ShouldBeGreaterThan(0);
        // After the noise (a new connection reuses nothing, but Complete resets the state) a frame decodes again.
        decoder.Complete((_, _) => { });
        var after = new List<string>();
        decoder.Feed("<13>ok\n"u8, (f, _) => after.Add(Encoding.UTF8.GetString(f)));
        after.ShouldContain("<13>ok");
    }
}
