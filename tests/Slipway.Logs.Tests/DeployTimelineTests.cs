using Slipway.Logs.Releases;

namespace Slipway.Logs.Tests;

/// <summary>Reading Slipway's deploy history to say what each stage ran when a traceback first appeared.</summary>
public sealed class DeployTimelineTests
{
    private static string Line(string action, string stage, string result, string started, string release) =>
        $"{{\"action\":\"{action}\",\"stage\":\"{stage}\",\"result\":\"{result}\",\"user\":\"bob\",\"machine\":\"m\"," +
        $"\"started\":\"{started}\",\"duration_ms\":60000,\"release\":\"{release}\",\"commit\":\"0123456789\"}}";

    [Fact]
    public void Live_releases_are_the_last_successful_deploy_or_rollback_per_stage_finished_by_then()
    {
        var timeline = DeployTimeline.Parse([
            Line("deploy", "production", "succeeded", "2026-11-20T10:00:00Z", "r1"),
            Line("deploy", "production", "succeeded", "2026-11-21T10:00:00Z", "r2"),
            Line("rollback", "production", "succeeded", "2026-11-21T12:00:00Z", "r1"),
            Line("deploy", "production", "failed", "2026-11-21T13:00:00Z", "r3"),
            "not json at all",
            Line("deploy", "staging", "succeeded", "2026-11-21T09:00:00Z", "s1"),
        ]);

        var at = timeline.LiveAt(DateTimeOffset.Parse("2026-11-21T12:30:00Z", System.Globalization.CultureInfo.InvariantCulture));

        at.Select(m => (m.Stage, m.Release, m.Action)).ShouldBe([("production", "r1", "rollback"), ("staging", "s1", "deploy")]);
        // A deploy counts from when it finished (started + duration), not when it started.
        timeline.LiveAt(DateTimeOffset.Parse("2026-11-21T10:00:30Z", System.Globalization.CultureInfo.InvariantCulture))
            .Single(m => m.Stage == "production").Release.ShouldBe("r1");
    }

    [Fact]
    public void A_missing_history_file_is_an_empty_timeline() =>
        DeployTimeline.Load("/nonexistent/history.jsonl").Marks.ShouldBeEmpty();

    [Fact]
    public void A_release_is_live_from_its_deploy_until_the_next_one_on_its_stage_and_again_after_a_rollback_to_it()
    {
        var timeline = DeployTimeline.Parse([
            Line("deploy", "production", "succeeded", "2026-11-20T10:00:00Z", "r1"),
            Line("deploy", "staging", "succeeded", "2026-11-20T11:00:00Z", "r2"),
            Line("deploy", "production", "succeeded", "2026-11-21T10:00:00Z", "r2"),
            Line("rollback", "production", "succeeded", "2026-11-21T12:00:00Z", "r1"),
        ]);
        static DateTimeOffset At(string s) => DateTimeOffset.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

        timeline.LiveWindows("r1").Select(w => (w.From.Finished, w.Until)).ShouldBe([
            (At("2026-11-20T10:01:00Z"), (DateTimeOffset?)At("2026-11-21T10:01:00Z")),
            (At("2026-11-21T12:01:00Z"), null),
        ]);
        timeline.LiveWindows("r2").Select(w => w.From.Stage).ShouldBe(["production", "staging"], ignoreOrder: true);
        timeline.LiveWindows("r2", "staging").Single().Until.ShouldBeNull();
        timeline.LiveWindows("r9").ShouldBeEmpty();
    }
}
