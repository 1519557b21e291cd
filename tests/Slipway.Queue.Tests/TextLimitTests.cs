using Slipway.Queue.Internal;

namespace Slipway.Queue.Tests;

public sealed class TextLimitTests
{
    [Fact]
    public void Short_text_is_kept_whole() => TextLimit.Tail("abc", 10).ShouldBe("abc");

    [Fact]
    public void Long_text_keeps_its_end_behind_a_marker()
    {
        var kept = TextLimit.Tail(new string('x', 100) + "END", 20)!;

        kept.Length.ShouldBe(20);
        kept.ShouldStartWith(TextLimit.CutMarker);
        kept.ShouldEndWith("END");
    }
}
