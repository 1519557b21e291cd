namespace Slipway.Monitor.Tests;

public sealed class FlapDetectionTests
{
    private static readonly CheckOptions HardAtOnce = new() { MaxCheckAttempts = 1 };

    [Fact]
    public void Percent_state_change_weighs_newer_changes_more_as_nagios_does()
    {
        // One change at the newest transition weighs 1.25: 1.25 * 100 / 20 = 6.25 %.
        var newest = FlapHistory.Empty.Record(ServiceState.Critical);
        newest.PercentStateChange().ShouldBe(6.25, 1e-9);

        // The same change at the oldest transition weighs 0.75: 3.75 %.
        var oldest = newest;
        for (var i = 0; i < 19; i++)
        {
            oldest = oldest.Record(ServiceState.Critical);
        }

        oldest.PercentStateChange().ShouldBe(3.75, 1e-9);

        // A change at every transition: the weights 0.75..1.25 average 1, so 100 %.
        var always = FlapHistory.Empty;
        for (var i = 0; i < FlapHistory.Slots; i++)
        {
            always = always.Record(i % 2 == 0 ? ServiceState.Critical : ServiceState.Ok);
        }

        always.PercentStateChange().ShouldBe(100, 1e-9);
    }

    [Fact]
    public void Alternating_hard_states_start_flapping_at_the_high_threshold_and_suppress_alerts()
    {
        // Four changes at the newest transitions weigh 1.171 + 1.197 + 1.224 + 1.25 = 4.842: 24.2 %, past 20 %
        // (three weighed 18.4 %).
        var (status, events) = CheckStateMachineTests.Feed(HardAtOnce, new CheckStatus(),
            ServiceState.Critical, ServiceState.Ok, ServiceState.Critical, ServiceState.Ok);

        status.IsFlapping.ShouldBeTrue();
        status.PercentStateChange.ShouldBe(24.21, 0.01);
        CheckStateMachineTests.Feed(HardAtOnce, new CheckStatus(), ServiceState.Critical, ServiceState.Ok, ServiceState.Critical)
            .Status.PercentStateChange.ShouldBe(18.36, 0.01);
        var start = events.Single(e => e.Kind == MonitorEventKind.FlappingStart);
        start.Notify.ShouldBeTrue();
        events.Last(e => e.Kind == MonitorEventKind.Recovery).SuppressedBecause.ShouldBe("flapping");
    }

    [Fact]
    public void Flapping_stops_only_at_or_below_the_low_threshold()
    {
        var states = new List<ServiceState> { ServiceState.Critical, ServiceState.Ok, ServiceState.Critical, ServiceState.Ok };
        var (status, _) = CheckStateMachineTests.Feed(HardAtOnce, new CheckStatus(), [.. states]);
        status.IsFlapping.ShouldBeTrue();

        // Stable OK results push the changes towards the old, light end until they drop out of the 21 slots.
        var events = new List<MonitorEvent>();
        var steps = 0;
        while (status.IsFlapping)
        {
            (status, var more) = CheckStateMachineTests.Feed(HardAtOnce, status, ServiceState.Ok);
            events.AddRange(more);
            steps++;
            steps.ShouldBeLessThan(25);
            if (status.IsFlapping)
            {
                status.PercentStateChange.ShouldBeGreaterThan(5); // between 5 % and 20 % it stays flapping
            }
        }

        status.PercentStateChange.ShouldBe(3.75, 1e-9);
        steps.ShouldBe(19);
        events.Single().Kind.ShouldBe(MonitorEventKind.FlappingStop);
    }

    [Fact]
    public void Soft_problems_are_not_recorded_in_the_history_but_soft_recoveries_are()
    {
        var options = new CheckOptions { MaxCheckAttempts = 3 };

        var (status, events) = CheckStateMachineTests.Feed(options, new CheckStatus(),
            ServiceState.Critical, ServiceState.Ok, ServiceState.Critical, ServiceState.Ok, ServiceState.Critical, ServiceState.Ok);

        status.History.ShouldBe(FlapHistory.Empty.Record(ServiceState.Ok).Record(ServiceState.Ok).Record(ServiceState.Ok));
        status.PercentStateChange.ShouldBe(0);
        events.ShouldNotContain(e => e.Kind == MonitorEventKind.FlappingStart);
    }

    [Fact]
    public void Disabled_flap_detection_never_flaps_but_still_computes_the_percent()
    {
        var options = HardAtOnce with { Flapping = new FlapDetectionOptions { Enabled = false } };

        var (status, events) = CheckStateMachineTests.Feed(options, new CheckStatus(),
            ServiceState.Critical, ServiceState.Ok, ServiceState.Critical, ServiceState.Ok, ServiceState.Critical);

        status.IsFlapping.ShouldBeFalse();
        status.PercentStateChange.ShouldBeGreaterThan(20);
        events.ShouldNotContain(e => e.Kind == MonitorEventKind.FlappingStart);
    }
}
