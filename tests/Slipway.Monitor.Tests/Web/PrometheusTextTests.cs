using Slipway.Monitor.Service;
using Slipway.Monitor.Web;

namespace Slipway.Monitor.Tests.Web;

public sealed class PrometheusTextTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 13, 20, 1, TimeSpan.Zero);

    private static CheckStateRecord State(string id, string state, string type = "HARD", bool ack = false) =>
        new(id, state, type, 1, state == "PENDING" ? null : At, At, At.AddMinutes(1), "text", ack, false, false);

    [Fact]
    public void Every_check_has_its_state_and_perfdata_in_base_units_and_a_scraper_can_read_it()
    {
        var text = PrometheusText.Render(
        [
            new(State("web_port@web1", "CRITICAL"), "time=250ms;0.5;1;0 'conn \"pool\" \\ x'=3;;;0;10"),
            new(State("root@db1", "WARNING", "SOFT"), "'/ used'=81%;80;90 used=2GB;;;0;10 size=512KB"),
            new(State("queue@db1", "OK", ack: true), "jobs=17c wait=1500us unknown=U"),
            new(State("new@web2", "PENDING"), ""),
        ]);

        var parsed = ExpositionParser.Parse(text);
        string Label(ExpositionParser.Sample s, string name) => s.Labels[name];
        double Value(string metric, string check, string? label = null) => parsed.Samples.Single(s =>
            s.Name == metric && Label(s, "check") == check.Split('@')[0] && Label(s, "host") == check.Split('@')[1] &&
            (label is null || Label(s, "label") == label)).Value;

        parsed.Types["slipway_check_state"].ShouldBe("gauge");
        Value("slipway_check_state", "web_port@web1").ShouldBe(2);
        Value("slipway_check_state", "root@db1").ShouldBe(1);
        Value("slipway_check_hard", "root@db1").ShouldBe(0);
        Value("slipway_check_state", "queue@db1").ShouldBe(0);
        Value("slipway_check_acknowledged", "queue@db1").ShouldBe(1);
        parsed.Samples.ShouldNotContain(s => s.Name == "slipway_check_state" && s.Labels["check"] == "new", "a PENDING check has no state yet");
        Value("slipway_check_last_check_timestamp_seconds", "web_port@web1").ShouldBe(At.ToUnixTimeSeconds());

        Value("slipway_perfdata_seconds", "web_port@web1", "time").ShouldBe(0.25, 1e-12);
        Value("slipway_perfdata", "web_port@web1", "conn \"pool\" \\ x").ShouldBe(3, "quote and backslash survive the escaping");
        Value("slipway_perfdata_ratio", "root@db1", "/ used").ShouldBe(0.81, 1e-12);
        Value("slipway_perfdata_bytes", "root@db1", "used").ShouldBe(2d * 1024 * 1024 * 1024);
        Value("slipway_perfdata_bytes", "root@db1", "size").ShouldBe(512d * 1024);
        Value("slipway_perfdata_seconds", "queue@db1", "wait").ShouldBe(0.0015, 1e-12);
        Value("slipway_perfdata_total", "queue@db1", "jobs").ShouldBe(17);
        parsed.Types["slipway_perfdata_total"].ShouldBe("counter");
        parsed.Samples.ShouldNotContain(s => s.Labels.ContainsKey("label") && s.Labels["label"] == "unknown", "U is not a number");
    }

    [Fact]
    public void A_label_twice_in_one_output_is_one_series_and_an_empty_list_is_still_valid()
    {
        var text = PrometheusText.Render([new(State("a@h", "OK"), "x=1 x=2")]);

        ExpositionParser.Parse(text).Samples.Where(s => s.Name == "slipway_perfdata").Select(s => s.Value).ShouldBe([1d]);
        ExpositionParser.Parse(PrometheusText.Render([])).Samples.ShouldBeEmpty();
    }

    [Fact]
    public void Label_values_escape_backslash_quote_and_line_feed()
    {
        PrometheusText.Escape("a\\b\"c\nd").ShouldBe("a\\\\b\\\"c\\nd");
        var text = PrometheusText.Render([new(State("odd\"name\\@host\nx", "OK"), "")]);
        var sample = ExpositionParser.Parse(text).Samples.First(s => s.Name == "slipway_check_state");
        sample.Labels["check"].ShouldBe("odd\"name\\");
        sample.Labels["host"].ShouldBe("host\nx");
    }
}
