using Microsoft.Extensions.Time.Testing;
using Slipway.Logs.Web;

namespace Slipway.Logs.Tests;

public sealed class WebSafetyTests
{
    [Theory]
    [InlineData("/groups?since=24h", "/groups?since=24h")]
    [InlineData("/", "/")]
    [InlineData("", "/")]
    [InlineData(null, "/")]
    [InlineData("//elsewhere.example", "/")]
    [InlineData("https://elsewhere.example/", "/")]
    [InlineData("/\\elsewhere.example", "/")]
    [InlineData("/\t/elsewhere.example", "/")]
    [InlineData("/a\nb", "/")]
    [InlineData("/ok/path\\..", "/")]
    [InlineData("javascript:alert(1)", "/")]
    [InlineData("groups", "/")]
    public void After_login_only_a_local_path_is_followed(string? next, string expected) => LoginTarget.Safe(next).ShouldBe(expected);

    [Fact]
    public void Messages_are_escaped_and_control_characters_shown()
    {
        MessageHtml.Render("<b>\"x\" & 'y'</b>").ShouldBe("&lt;b&gt;&quot;x&quot; &amp; &#x27;y&#x27;&lt;/b&gt;");
        MessageHtml.Render("a\u001b[31mb\u0000c\u007f\u0085d").ShouldBe(
            "a<span class=\"ctl\">\\x1b</span>[31mb<span class=\"ctl\">\\x00</span>c<span class=\"ctl\">\\x7f</span><span class=\"ctl\">\\x85</span>d");
        MessageHtml.Render("line one\n\tline two").ShouldBe("line one&#xA;&#x9;line two", "tab and newline are layout (character references), not hidden text");
        MessageHtml.Render("bad \uFFFD").ShouldBe("bad &#xFFFD;");
        MessageHtml.Render(null).ShouldBe("");
    }

    [Fact]
    public void Wrong_log_ins_cost_nothing_five_times_then_a_doubling_wait_per_address()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero));
        var throttle = new LoginThrottle(clock);
        for (var i = 0; i < LoginThrottle.FreeAttempts; i++)
        {
            throttle.RetryAfter("10.0.0.1").ShouldBeNull();
            throttle.Failed("10.0.0.1");
        }

        throttle.RetryAfter("10.0.0.1").ShouldBe(TimeSpan.FromSeconds(1));
        throttle.RetryAfter("10.0.0.2").ShouldBeNull("another address is not slowed");
        clock.Advance(TimeSpan.FromSeconds(1));
        throttle.RetryAfter("10.0.0.1").ShouldBeNull();
        throttle.Failed("10.0.0.1");
        throttle.RetryAfter("10.0.0.1").ShouldBe(TimeSpan.FromSeconds(2));
        LoginThrottle.Delay(40).ShouldBe(LoginThrottle.MaxDelay);

        clock.Advance(LoginThrottle.Window);
        throttle.RetryAfter("10.0.0.1").ShouldBeNull("quiet for a window: forgiven");
        throttle.Failed("10.0.0.1");
        throttle.RetryAfter("10.0.0.1").ShouldBeNull("and counting from one again");

        throttle.Succeeded("10.0.0.1");
        throttle.RetryAfter("10.0.0.1").ShouldBeNull();
    }
}
