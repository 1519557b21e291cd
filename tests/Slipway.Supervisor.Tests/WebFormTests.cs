using System.Text;
using Slipway.Supervisor.Http;
using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Tests;

public sealed class WebFormTests
{
    private static HttpRequest Request(string method, string target, string body = "", string? host = null) =>
        new(method, target, "HTTP/1.1", host is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["host"] = host },
            Encoding.ASCII.GetBytes(body));

    [Fact]
    public void Query_fields_decode_like_parse_qs_and_a_post_body_wins()
    {
        var form = WebForm.Parse(Request("POST", "/index.html?processname=grp%3Aa+b&action=stop&action=start&message=&bare",
            "action=restart"));
        form["processname"].ShouldBe("grp:a b");
        form["action"].ShouldBe("restart"); // the body over the query; in the query the first of a key wins
        form.ShouldNotContainKey("message"); // blank values are dropped, as parse_qs does
        form.ShouldNotContainKey("bare");
        WebForm.Parse(Request("GET", "/?x=%E2%9C%93%zz%4"))["x"].ShouldBe("✓%zz%4");
    }

    [Fact]
    public void Quote_is_pythons_urllib_quote()
    {
        WebForm.Quote("Process grp:x started").ShouldBe("Process%20grp%3Ax%20started");
        WebForm.Quote("a/b_c.d-e~f [70] ✓").ShouldBe("a/b_c.d-e~f%20%5B70%5D%20%E2%9C%93");
    }

    [Fact]
    public void Escape_makes_text_safe_in_content_and_attributes() =>
        WebForm.Escape("can't <find> \"x\" & y").ShouldBe("can't &lt;find&gt; &quot;x&quot; &amp; y");

    [Fact]
    public void Ctime_pads_the_day_with_a_space() =>
        WebForm.CTime(new DateTimeOffset(2026, 11, 7, 4, 5, 6, TimeSpan.Zero)).ShouldBe("Sat Nov  7 04:05:06 2026");

    [Theory]
    [InlineData("127.0.0.1:9001", "http://127.0.0.1:9001")]
    [InlineData("example.com:80", "http://example.com")]
    [InlineData("localhost", "http://localhost")]
    [InlineData("", "")]
    public void The_redirect_goes_back_to_the_host_the_browser_used(string host, string url) =>
        WebUi.ServerUrl(Request("GET", "/", host: host)).ShouldBe(url);

    [Fact]
    public void Rows_escape_names_and_descriptions_and_offer_supervisords_actions()
    {
        var html = WebPages.Status(
        [
            new WebRow("web", "web", ProcessState.Running, "pid 1, uptime 0:00:01"),
            new WebRow("grp", "a", ProcessState.Fatal, "can't find command '<x>'"),
            new WebRow("b", "b", ProcessState.Starting, ""),
        ], "<i>hi</i>", "4.2.5");
        html.ShouldContain("&lt;i&gt;hi&lt;/i&gt;");
        html.ShouldContain("can't find command '&lt;x&gt;'");
        html.ShouldNotContain("<x>");
        html.ShouldContain("index.html?processname=web&amp;action=restart");
        html.ShouldContain("index.html?processname=grp%3Aa&amp;action=start");
        html.ShouldNotContain("index.html?processname=grp%3Aa&amp;action=stop");
        html.ShouldNotContain("processname=b&amp;action=start"); // starting: neither start nor stop
        html.ShouldContain("logtail/grp%3Aa/stderr");
        WebPages.Status([], null, "4.2.5").ShouldContain("No programs to manage");
    }

    [Fact]
    public void Only_supervisords_ui_paths_are_served()
    {
        WebUi.Serves("GET", "/").ShouldBeTrue();
        WebUi.Serves("POST", "/index.html").ShouldBeTrue();
        WebUi.Serves("GET", "//tail.html").ShouldBeTrue();
        WebUi.Serves("GET", "/stylesheets/supervisor.css").ShouldBeTrue();
        WebUi.Serves("PUT", "/").ShouldBeFalse();
        WebUi.Serves("GET", "/nosuch.html").ShouldBeFalse();
    }
}
