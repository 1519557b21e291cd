using Slipway.Deploy.Model;

namespace Slipway.Deploy.Tests;

public sealed class ReleaseModelTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 27, 12, 0, 5, TimeSpan.FromHours(2));

    [Fact]
    public void Release_names_are_the_utc_time_to_the_second() =>
        ReleaseName.Next(Noon, []).ShouldBe("20261127100005");

    [Fact]
    public void A_release_name_never_repeats_or_sorts_before_an_existing_one()
    {
        ReleaseName.Next(Noon, ["20261127100005"]).ShouldBe("20261127100006");
        ReleaseName.Next(Noon, ["20261127235959", "junk"]).ShouldBe("20261128000000");
        ReleaseName.Next(Noon, ["20200101000000"]).ShouldBe("20261127100005");
    }

    [Theory]
    [InlineData("20261127100005", true)]
    [InlineData("2026112710000", false)]
    [InlineData("2026112710000x", false)]
    [InlineData("current", false)]
    public void Only_fourteen_digit_names_are_releases(string name, bool valid) => ReleaseName.IsValid(name).ShouldBe(valid);

    [Fact]
    public void Revisions_log_lines_are_the_ones_capistrano_writes()
    {
        RevisionsLog.Deployed("main", "abc123", "20261127100005", "deploy")
            .ShouldBe("Branch main (at abc123) deployed as release 20261127100005 by deploy");
        RevisionsLog.RolledBack("deploy", "20261127100005").ShouldBe("deploy rolled back to release 20261127100005");
    }

    private static HostState State(string? current, params (string Name, ReleaseState State)[] releases) => new()
    {
        Current = current,
        Releases = [.. releases.Select(r => new ReleaseInfo(r.Name, r.State, null))],
    };

    [Fact]
    public void The_previous_release_is_the_newest_good_one_before_current()
    {
        var state = State("20260104000000",
            ("20260101000000", ReleaseState.Ok), ("20260102000000", ReleaseState.Bad), ("20260103000000", ReleaseState.Unfinished),
            ("20260104000000", ReleaseState.Ok), ("20260105000000", ReleaseState.Ok));

        state.Previous()!.Name.ShouldBe("20260101000000");
    }

    [Fact]
    public void Cleanup_removes_unfinished_and_bad_first_and_keeps_the_newest_good_ones()
    {
        var state = State("20260105000000",
            ("20260101000000", ReleaseState.Ok), ("20260102000000", ReleaseState.Ok), ("20260103000000", ReleaseState.Bad),
            ("20260104000000", ReleaseState.Unfinished), ("20260105000000", ReleaseState.Ok));

        CleanupPlanner.Select(state, keep: 2).ShouldBe(["20260101000000", "20260103000000", "20260104000000"]);
    }

    [Fact]
    public void Cleanup_never_removes_the_live_or_previous_release_even_with_keep_one()
    {
        var state = State("20260102000000",
            ("20260101000000", ReleaseState.Ok), ("20260102000000", ReleaseState.Ok), ("20260103000000", ReleaseState.Ok));

        // After a rollback the live release is not the newest; it and the one before it stay.
        CleanupPlanner.Select(state, keep: 1).ShouldBeEmpty();
    }

    [Fact]
    public void Cleanup_keeps_names_it_is_asked_to_protect()
    {
        var state = State(null, ("20260101000000", ReleaseState.Unfinished));
        CleanupPlanner.Select(state, keep: 5, ["20260101000000"]).ShouldBeEmpty();
    }
}
