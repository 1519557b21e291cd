using Slipway.Core.Web;
using Slipway.Monitor.Service;
using Slipway.Monitor.Storage;
using Slipway.Monitor.Web;

namespace Slipway.Monitor.Tests.Web;

public sealed class StatusHtmlTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 13, 20, 0, TimeSpan.Zero);
    private static readonly WebLink[] Menu = [new("/", "Events"), new("/status", "Status")];

    private static CheckStateRecord State(string id, string state, string output) =>
        new(id, state, "HARD", 3, Now.AddSeconds(-20), Now.AddHours(-1), Now.AddSeconds(40), output, false, false, false);

    private static StoredResult Result(string id, int minutesAgo, string perf) =>
        new(id, Now.AddMinutes(-minutesAgo), ServiceState.Ok, true, 1, TimeSpan.FromMilliseconds(3), "fine", perf);

    [Fact]
    public void Plugin_output_and_perfdata_labels_are_escaped_so_a_plugin_cannot_inject_markup()
    {
        var evil = "<script>alert('x')</script><img src=x onerror=alert(1)>";
        var html = StatusHtml.Overview(new MonitorStateFile(Now, []),
            [new StatusHtml.CheckView(State("web@web1", "CRITICAL", evil), [Result("web@web1", 1, "'<em>'=1"), Result("web@web1", 2, "'<em>'=2")])],
            [new StageFacts("prod", "<i>rel</i>", null, Now, "eve") { Processes = [new ProcessFacts("web1", "<u>app", "FATAL")] }],
            Now, TimeSpan.FromMinutes(2), Menu, "/status");

        html.ShouldNotContain("<script>");
        html.ShouldNotContain("<img");
        html.ShouldNotContain("<em>");
        html.ShouldNotContain("<i>rel");
        html.ShouldNotContain("<u>app");
        html.ShouldContain("&lt;script&gt;");
    }

    [Fact]
    public void Problems_come_first_with_a_graph_per_perfdata_label_and_old_states_are_called_stale()
    {
        IReadOnlyList<StoredResult> recent = [.. Enumerable.Range(1, 10).Select(i => Result("db@db1", i, $"time={i / 10.0}s size={i}B"))];
        var html = StatusHtml.Overview(new MonitorStateFile(Now.AddMinutes(-10), []),
            [
                new StatusHtml.CheckView(State("db@db1", "OK", "TCP OK"), recent),
                new StatusHtml.CheckView(State("disk@db1", "WARNING", "DISK WARNING"), []),
            ],
            null, Now, TimeSpan.FromMinutes(2), Menu, "/status");

        html.IndexOf("disk@db1", StringComparison.Ordinal).ShouldBeLessThan(html.IndexOf("data-check=\"db@db1\"", StringComparison.Ordinal));
        html.Split("<svg").Length.ShouldBe(3, "one graph per label");
        html.ShouldContain("time=0.1s", customMessage: "the newest value");
        html.ShouldContain("id=\"stale\"");
        html.ShouldContain("10m old");
        html.ShouldNotContain("id=\"stages\"");
    }

    [Fact]
    public void A_sparkline_scales_to_its_own_range_and_needs_two_points()
    {
        Sparkline.Svg([(Now, 1)], "one").ShouldBe("");
        var svg = Sparkline.Svg([(Now, 5), (Now.AddMinutes(1), 10), (Now.AddMinutes(2), double.NaN)], "t<", 100, 20);
        svg.ShouldContain("points=\"1,19 99,1\"");
        svg.ShouldContain("<title>t&lt;</title>");
    }
}
