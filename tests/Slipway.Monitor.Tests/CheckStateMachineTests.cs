namespace Slipway.Monitor.Tests;

public sealed class CheckStateMachineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly CheckOptions Three = new() { MaxCheckAttempts = 3 };

    /// <summary>Feeds states one per minute; returns the final status and all events.</summary>
    internal static (CheckStatus Status, List<MonitorEvent> Events) Feed(CheckOptions options, CheckStatus start,
        params ServiceState[] states)
    {
        var status = start;
        var events = new List<MonitorEvent>();
        for (var i = 0; i < states.Length; i++)
        {
            var result = new CheckResult { State = states[i], Output = states[i].Label() };
            var transition = CheckStateMachine.Apply("web", status, result, T0.AddMinutes(i), options);
            status = transition.Status;
            events.AddRange(transition.Events);
        }

        return (status, events);
    }

    private static (CheckStatus Status, List<MonitorEvent> Events) Feed(CheckOptions options, params ServiceState[] states) =>
        Feed(options, new CheckStatus(), states);

    [Fact]
    public void A_problem_is_soft_until_the_last_attempt_then_hard()
    {
        var (status, events) = Feed(Three, ServiceState.Critical);
        (status.State, status.Type, status.Attempt).ShouldBe((ServiceState.Critical, StateType.Soft, 1));
        events.Single().Kind.ShouldBe(MonitorEventKind.SoftStateChange);
        events.Single().Notify.ShouldBeFalse();

        (status, events) = Feed(Three, ServiceState.Critical, ServiceState.Critical);
        (status.Type, status.Attempt).ShouldBe((StateType.Soft, 2));
        events.Count.ShouldBe(1); // the same SOFT state again is no new event

        (status, events) = Feed(Three, ServiceState.Critical, ServiceState.Critical, ServiceState.Critical);
        (status.State, status.Type, status.Attempt).ShouldBe((ServiceState.Critical, StateType.Hard, 3));
        var hard = events.Last();
        (hard.Kind, hard.From, hard.To, hard.Notify).ShouldBe((MonitorEventKind.HardStateChange, ServiceState.Ok, ServiceState.Critical, true));
        status.LastHardStateChange.ShouldBe(T0.AddMinutes(2));
        status.LastStateChange.ShouldBe(T0);
    }

    [Fact]
    public void A_soft_problem_that_changes_state_counts_on_and_reports_a_soft_change()
    {
        var (status, events) = Feed(Three, ServiceState.Warning, ServiceState.Critical);

        (status.State, status.Type, status.Attempt).ShouldBe((ServiceState.Critical, StateType.Soft, 2));
        events.Select(e => (e.Kind, e.From, e.To)).ShouldBe(
        [
            (MonitorEventKind.SoftStateChange, ServiceState.Ok, ServiceState.Warning),
            (MonitorEventKind.SoftStateChange, ServiceState.Warning, ServiceState.Critical),
        ]);
    }

    [Fact]
    public void Max_check_attempts_of_one_is_hard_at_once()
    {
        var (status, events) = Feed(Three with { MaxCheckAttempts = 1 }, ServiceState.Warning);

        status.Type.ShouldBe(StateType.Hard);
        events.Single().Kind.ShouldBe(MonitorEventKind.HardStateChange);
    }

    [Fact]
    public void Ok_during_a_soft_problem_is_a_soft_recovery_that_alerts_nobody()
    {
        var (status, events) = Feed(Three, ServiceState.Critical, ServiceState.Critical, ServiceState.Ok);

        (status.State, status.Type, status.Attempt).ShouldBe((ServiceState.Ok, StateType.Hard, 1));
        events.Last().Kind.ShouldBe(MonitorEventKind.SoftRecovery);
        events.ShouldAllBe(e => !e.Notify);
    }

    [Fact]
    public void A_hard_problem_recovers_after_one_ok_by_default()
    {
        var (status, events) = Feed(Three, ServiceState.Critical, ServiceState.Critical, ServiceState.Critical, ServiceState.Ok);

        (status.State, status.Type).ShouldBe((ServiceState.Ok, StateType.Hard));
        var recovery = events.Last();
        (recovery.Kind, recovery.From, recovery.To, recovery.Notify).ShouldBe((MonitorEventKind.Recovery, ServiceState.Critical, ServiceState.Ok, true));
    }

    [Fact]
    public void With_recover_after_two_one_ok_is_not_yet_a_recovery_and_a_failure_resets_the_count()
    {
        // Flapping off: CRIT, OK, CRIT, OK is flapping, which is not what this test is about.
        var options = Three with { MaxCheckAttempts = 1, RecoverAfter = 2, Flapping = new FlapDetectionOptions { Enabled = false } };

        var (status, events) = Feed(options, ServiceState.Critical, ServiceState.Ok);
        (status.State, status.OkStreak, status.IsRecovering).ShouldBe((ServiceState.Critical, 1, true));
        events.Count.ShouldBe(1);

        (status, events) = Feed(options, ServiceState.Critical, ServiceState.Ok, ServiceState.Critical, ServiceState.Ok);
        (status.State, status.OkStreak).ShouldBe((ServiceState.Critical, 1));
        events.Count.ShouldBe(1);

        (status, events) = Feed(options, ServiceState.Critical, ServiceState.Ok, ServiceState.Ok);
        status.State.ShouldBe(ServiceState.Ok);
        events.Last().Kind.ShouldBe(MonitorEventKind.Recovery);
    }

    [Fact]
    public void A_hard_problem_that_changes_is_a_new_hard_change_and_the_same_one_is_silent()
    {
        var options = Three with { MaxCheckAttempts = 1 };

        var (status, events) = Feed(options, ServiceState.Warning, ServiceState.Warning, ServiceState.Critical, ServiceState.Critical);

        status.State.ShouldBe(ServiceState.Critical);
        events.Select(e => (e.Kind, e.From, e.To)).ShouldBe(
        [
            (MonitorEventKind.HardStateChange, ServiceState.Ok, ServiceState.Warning),
            (MonitorEventKind.HardStateChange, ServiceState.Warning, ServiceState.Critical),
        ]);
    }

    [Fact]
    public void An_acknowledged_problem_is_not_alerted_until_it_changes_and_a_recovery_ends_it()
    {
        var options = Three with { MaxCheckAttempts = 1 };
        var (status, _) = Feed(options, ServiceState.Warning);
        status = CheckStateMachine.Acknowledge(status, sticky: false);

        // A plain acknowledgement ends at the next HARD change, which is alerted again.
        var (after, events) = Feed(options, status, ServiceState.Warning, ServiceState.Critical);
        after.Acknowledged.ShouldBeFalse();
        events.Single().Notify.ShouldBeTrue();

        // A sticky one holds through WARNING -> CRITICAL (recorded, not alerted) and ends with the recovery.
        status = CheckStateMachine.Acknowledge(status, sticky: true);
        (after, events) = Feed(options, status, ServiceState.Critical, ServiceState.Ok);
        events[0].SuppressedBecause.ShouldBe("acknowledged");
        events[1].Kind.ShouldBe(MonitorEventKind.Recovery);
        events[1].Notify.ShouldBeTrue();
        after.Acknowledged.ShouldBeFalse();
    }

    [Fact]
    public void Only_a_hard_problem_can_be_acknowledged()
    {
        Should.Throw<InvalidOperationException>(() => CheckStateMachine.Acknowledge(new CheckStatus(), sticky: false))
            .Message.ShouldBe("only a HARD problem can be acknowledged; this check is OK (HARD)");
    }

    [Fact]
    public void Hard_changes_in_downtime_are_recorded_but_not_alerted()
    {
        var status = CheckStateMachine.SetDowntime(new CheckStatus(), inDowntime: true);

        var (after, events) = Feed(Three, status, ServiceState.Critical, ServiceState.Critical, ServiceState.Critical, ServiceState.Ok);

        after.LastHardState.ShouldBe(ServiceState.Ok);
        events.Where(e => e.Kind is MonitorEventKind.HardStateChange or MonitorEventKind.Recovery)
            .ShouldAllBe(e => e.SuppressedBecause == "in downtime");
        events.Count(e => e.Kind == MonitorEventKind.HardStateChange).ShouldBe(1);
    }

    [Fact]
    public void The_first_result_ends_pending()
    {
        new CheckStatus().IsPending.ShouldBeTrue();
        Feed(Three, ServiceState.Ok).Status.IsPending.ShouldBeFalse();
    }
}
