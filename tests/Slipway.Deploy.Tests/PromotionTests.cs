using Slipway.Core.Config;
using Slipway.Deploy.Model;

namespace Slipway.Deploy.Tests;

/// <summary>What a stage has live, and whether it may be promoted: pure rules.</summary>
public sealed class PromotionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly HostConfig Web1 = new() { Host = "web1" };
    private static readonly HostConfig Web2 = new() { Host = "web2" };
    private static readonly PromoteConfig Weekly = new() { From = "staging", To = "production", MinAge = TimeSpan.FromDays(7) };

    private static HostState On(string release, string commit) => new()
    {
        Current = release,
        Releases = [new ReleaseInfo("20261101000000", ReleaseState.Ok, "old"), new ReleaseInfo(release, ReleaseState.Ok, commit)],
    };

    private static StageLive Staging(params (HostConfig Host, HostState? State)[] hosts) =>
        StageLive.From("staging", hosts.Select(h => (h.Host, h.State, (string?)null)), []);

    [Fact]
    public void A_commit_live_on_every_host_for_longer_than_min_age_may_go()
    {
        var live = Staging((Web1, On("20261118100000", "abc1234def")), (Web2, On("20261119100000", "abc1234def")));

        var decision = PromotionPlanner.Decide(live, Weekly, force: false, Now);

        decision.Allowed.ShouldBeTrue();
        decision.Commit.ShouldBe("abc1234def");
        // Since the later host switched: 8 days 2 hours.
        decision.Reason.ShouldBe("abc1234 has been live on staging for 8d 2h (min_age 7d)");
    }

    [Fact]
    public void A_young_commit_is_refused_unless_forced()
    {
        var live = Staging((Web1, On("20261125120000", "abc1234def")));

        var refused = PromotionPlanner.Decide(live, Weekly, force: false, Now);
        var forced = PromotionPlanner.Decide(live, Weekly, force: true, Now);

        refused.Allowed.ShouldBeFalse();
        refused.Reason.ShouldBe("abc1234 has been live on staging for only 2d; promote.min_age is 7d (use --force to promote anyway; it is recorded in the history)");
        forced.Allowed.ShouldBeTrue();
        forced.Forced.ShouldBeTrue();
    }

    [Fact]
    public void Hosts_that_disagree_or_cannot_be_reached_refuse_promotion_naming_each_host()
    {
        var live = StageLive.From("staging",
            [(Web1, On("20261110000000", "aaaaaaa1"), null), (Web2, On("20261111000000", "bbbbbbb2"), null), (new HostConfig { Host = "web3" }, null, "connection refused")], []);

        var decision = PromotionPlanner.Decide(live, null, force: true, Now);

        decision.Allowed.ShouldBeFalse();
        decision.Reason.ShouldBe("staging hosts do not agree on one live commit (web1: aaaaaaa (release 20261110000000); " +
            "web2: bbbbbbb (release 20261111000000); web3: connection refused); deploy or roll back staging until they do");
    }

    [Fact]
    public void A_rollback_to_an_old_release_restarts_its_age()
    {
        var rollback = new HistoryEntry
        {
            Action = "rollback", Stage = "staging", Result = "succeeded", User = "u", Machine = "m",
            Started = Now.AddHours(-3), DurationMs = 1000, Release = "20261101120000",
        };

        var live = StageLive.From("staging", [(Web1, On("20261101120000", "abc1234def"), null)], [rollback]);

        live.LiveSince.ShouldBe(Now.AddHours(-3).AddSeconds(1));
        PromotionPlanner.Decide(live, Weekly, false, Now).Allowed.ShouldBeFalse();
    }

    [Theory]
    [InlineData(42, "42s")]
    [InlineData(3 * 60 + 5, "3m 5s")]
    [InlineData(2 * 3600 + 60, "2h 1m")]
    [InlineData(9 * 86400 + 3600, "9d 1h")]
    [InlineData(7 * 86400, "7d")]
    public void Ages_read_like_people_say_them(int seconds, string expected) =>
        PromotionPlanner.Age(TimeSpan.FromSeconds(seconds)).ShouldBe(expected);
}
