using System.Globalization;
using Slipway.Logs.Releases;
using Slipway.Logs.Storage;

namespace Slipway.Logs.Tests;

/// <summary>Joining a traceback group with the deploy history: new since which release, regressed, ongoing, seen on which.</summary>
public sealed class GroupStandingTests
{
    private static DateTimeOffset T(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture);

    private static DeployMark Mark(string stage, string release, string finished, params string[] hosts) =>
        new(T(finished), stage, "deploy", release, "c0ffee" + release, "alice") { Hosts = hosts };

    private static readonly DeployTimeline Timeline = new([
        Mark("production", "A", "2026-11-01T10:00:00Z", "deploy@web1.example.com:22", "web2"),
        Mark("staging", "S1", "2026-11-01T09:00:00Z", "stage1"),
        Mark("production", "B", "2026-11-10T10:30:00Z", "deploy@web1.example.com:22", "web2"),
    ]);

    private static GroupHostHour H(string hour, string host, long n = 1) => new(T(hour), host, n);

    [Fact]
    public void A_group_first_seen_in_the_period_is_new_since_the_release_live_on_its_hosts_stage_at_that_moment()
    {
        var first = new Occurrence(T("2026-11-10T10:45:00Z"), "web1");
        var s = GroupStanding.Of(Timeline, [H("2026-11-10T10:00:00Z", "web1", 3)], first, first.ReceivedAt, newSince: T("2026-11-10T00:00:00Z"));

        s.Standing.ShouldBe(Standing.New);
        s.Stage.ShouldBe("production");
        s.Cause!.Release.ShouldBe("B");
        s.Cause.Describe().ShouldBe("release B (commit c0ffeeB, deployed by alice at 2026-11-10 10:30 UTC)");
    }

    [Fact]
    public void An_occurrence_before_the_deploy_finished_belongs_to_the_release_before_it()
    {
        var first = new Occurrence(T("2026-11-10T10:29:59Z"), "web2");
        var s = GroupStanding.Of(Timeline, [H("2026-11-10T10:00:00Z", "web2")], first, first.ReceivedAt, T("2026-11-10T00:00:00Z"));

        s.Cause!.Release.ShouldBe("A");
        // The hour 10:00–11:00 held B's deploy: "seen on" is per hour, so both releases count.
        s.SeenOn.Select(m => m.Release).ShouldBe(["A", "B"]);
    }

    [Fact]
    public void A_group_silent_for_more_than_a_week_then_back_is_regressed_after_the_release_live_when_it_returned()
    {
        var hours = new[] { H("2026-11-01T12:00:00Z", "web1", 5), H("2026-11-10T11:00:00Z", "web2", 2) };
        var back = new Occurrence(T("2026-11-10T11:05:00Z"), "web2");
        var s = GroupStanding.Of(Timeline, hours, back, T("2026-11-01T12:10:00Z"), T("2026-11-10T00:00:00Z"));

        s.Standing.ShouldBe(Standing.Regressed);
        s.Cause!.Release.ShouldBe("B");
        s.SilentSince.ShouldBe(T("2026-11-01T13:00:00Z"));
        s.SeenOn.Select(m => m.Release).ShouldBe(["A", "B"]);
    }

    [Fact]
    public void A_group_seen_the_day_before_is_ongoing_and_names_the_release_it_was_first_seen_under()
    {
        var hours = new[] { H("2026-11-09T12:00:00Z", "web1"), H("2026-11-10T11:00:00Z", "web1") };
        var s = GroupStanding.Of(Timeline, hours, new Occurrence(T("2026-11-10T11:00:00Z"), "web1"), T("2026-11-09T12:00:00Z"), T("2026-11-10T00:00:00Z"));

        s.Standing.ShouldBe(Standing.Ongoing);
        s.Cause!.Release.ShouldBe("A");
    }

    [Fact]
    public void A_host_no_stage_names_has_no_release_when_the_history_holds_several_stages()
    {
        var first = new Occurrence(T("2026-11-10T11:00:00Z"), "db9");
        var s = GroupStanding.Of(Timeline, [H("2026-11-10T11:00:00Z", "db9")], first, first.ReceivedAt, T("2026-11-10T00:00:00Z"));

        s.Stage.ShouldBeNull();
        s.Cause.ShouldBeNull();
        s.SeenOn.ShouldBeEmpty();
        Slipway.Logs.Digest.DigestReport.ReleaseLine(s).ShouldBe("new; release unknown (no deploy history names its host)");
    }

    [Fact]
    public void With_one_stage_in_the_history_every_host_belongs_to_it()
    {
        var timeline = new DeployTimeline([Mark("production", "A", "2026-11-01T10:00:00Z", "127.0.0.1:2201")]);
        timeline.StageOf("some-container-name").ShouldBe("production");
    }

    [Theory]
    [InlineData("deploy@web1.example.com:2222", "web1", true)]
    [InlineData("web1.example.com", "WEB1.example.com", true)]
    [InlineData("web1", "web10", false)]
    [InlineData("[::1]:22", "::1", true)]
    [InlineData("127.0.0.1:2201", "127.0.0.1", true)]
    [InlineData("10.0.0.1", "10.0.0.2", false)]
    public void Hosts_match_without_user_port_or_domain(string configured, string logged, bool same) =>
        HostNames.Same(configured, logged).ShouldBe(same);
}
