using Slipway.Core.Config;

namespace Slipway.Core.Tests.Config;

/// <summary><c>phase_timeouts:</c>: every deploy phase has a limit per host, with defaults long enough for real work (issue 16).</summary>
public sealed class PhaseTimeoutsTests
{
    [Fact]
    public void Without_the_section_every_phase_has_its_default_limit()
    {
        var result = ConfigFixtures.Parse(ConfigFixtures.Minimal);

        result.Diagnostics.ShouldBeEmpty(ConfigFixtures.Lines(result));
        var t = result.Config!.PhaseTimeouts;
        t.For("check").ShouldBe(TimeSpan.FromMinutes(5));
        t.For("update").ShouldBe(TimeSpan.FromHours(1));
        t.For("publish").ShouldBe(TimeSpan.FromMinutes(30));
        t.For("finish").ShouldBe(TimeSpan.FromMinutes(10));
        t.For("revert").ShouldBe(TimeSpan.FromMinutes(10));
    }

    [Fact]
    public void The_section_sets_some_phases_and_the_others_keep_their_defaults()
    {
        var result = ConfigFixtures.Parse(ConfigFixtures.Minimal + "phase_timeouts:\n  update: 2h\n  publish: 90s\n");

        result.Diagnostics.ShouldBeEmpty(ConfigFixtures.Lines(result));
        var t = result.Config!.PhaseTimeouts;
        t.Update.ShouldBe(TimeSpan.FromHours(2));
        t.Publish.ShouldBe(TimeSpan.FromSeconds(90));
        t.Check.ShouldBe(PhaseTimeouts.DefaultCheck);
        t.For("undo").ShouldBe(PhaseTimeouts.DefaultUndo);
    }

    [Theory]
    [InlineData("phase_timeouts:\n  update: 0s\n", "phase_timeouts.update", "must be longer than 0")]
    [InlineData("phase_timeouts:\n  update: soon\n", "phase_timeouts.update", "must be a duration")]
    [InlineData("phase_timeouts:\n  deploy: 5m\n", "phase_timeouts.deploy", "")]
    public void A_wrong_value_or_key_is_an_error_naming_the_key(string yaml, string key, string words)
    {
        var result = ConfigFixtures.Parse(ConfigFixtures.Minimal + yaml);

        var lines = ConfigFixtures.Lines(result);
        result.Config.ShouldBeNull(lines);
        lines.ShouldContain(key);
        lines.ShouldContain(words);
    }
}
