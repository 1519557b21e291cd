using Slipway.Monitor.Configuration;
using Slipway.Monitor.Service;

namespace Slipway.Monitor.Tests.Service;

/// <summary>How the marks of <c>monitor ack|downtime</c> act on a check's state: what a user sees as alerted or not.</summary>
public sealed class MarksApplierTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly CheckOptions Once = new() { MaxCheckAttempts = 1 };

    private static CheckResult Critical => new() { State = ServiceState.Critical, Output = "CRITICAL - down" };

    private static CheckResult Warning => new() { State = ServiceState.Warning, Output = "WARNING - slow" };

    private static MarksApplier With(Action<MonitorMarks> set)
    {
        var marks = new MonitorMarks();
        set(marks);
        return new MarksApplier { Current = marks };
    }

    [Fact]
    public void An_ack_made_after_the_problem_turned_hard_silences_its_next_events_until_recovery()
    {
        var hard = CheckStateMachine.Apply("web@h", new CheckStatus(), Critical, T0, Once).Status;
        var applier = With(m => m.Acknowledged["web@h"] = new Acknowledgement(T0.AddMinutes(1), "on it"));

        var acked = applier.Apply("web@h", hard, T0.AddMinutes(2));

        acked.Acknowledged.ShouldBeTrue();
        var recovery = CheckStateMachine.Apply("web@h", acked, new CheckResult { State = ServiceState.Ok, Output = "OK" }, T0.AddMinutes(3), Once);
        recovery.Events.Single().Kind.ShouldBe(MonitorEventKind.Recovery);
        recovery.Status.Acknowledged.ShouldBeFalse("a recovery ends the acknowledgement");
    }

    [Fact]
    public void An_ack_made_before_the_problem_does_not_silence_it()
    {
        var applier = With(m => m.Acknowledged["web@h"] = new Acknowledgement(T0.AddMinutes(-5), "old"));
        var hard = CheckStateMachine.Apply("web@h", applier.Apply("web@h", new CheckStatus(), T0), Critical, T0, Once);

        hard.Events.Single().Notify.ShouldBeTrue();
        applier.Apply("web@h", hard.Status, T0.AddMinutes(1)).Acknowledged.ShouldBeFalse();
    }

    [Fact]
    public void A_plain_ack_ends_at_the_next_hard_change_and_is_not_put_back()
    {
        var hard = CheckStateMachine.Apply("web@h", new CheckStatus(), Warning, T0, Once).Status;
        var applier = With(m => m.Acknowledged["web@h"] = new Acknowledgement(T0.AddMinutes(1), null));
        var acked = applier.Apply("web@h", hard, T0.AddMinutes(1));

        var worse = CheckStateMachine.Apply("web@h", acked, Critical, T0.AddMinutes(2), Once);

        worse.Events.Single().Notify.ShouldBeTrue("WARNING to CRITICAL is a new problem to tell");
        applier.Apply("web@h", worse.Status, T0.AddMinutes(3)).Acknowledged.ShouldBeFalse();
    }

    [Fact]
    public void An_ack_removed_from_the_file_is_removed_from_the_status()
    {
        var hard = CheckStateMachine.Apply("web@h", new CheckStatus(), Critical, T0, Once).Status;
        var acked = With(m => m.Acknowledged["web@h"] = new Acknowledgement(T0, null)).Apply("web@h", hard, T0);

        new MarksApplier().Apply("web@h", acked, T0.AddMinutes(1)).Acknowledged.ShouldBeFalse();
    }

    [Fact]
    public void A_check_is_in_downtime_until_its_end_and_its_problem_is_recorded_not_notified()
    {
        var applier = With(m => m.DowntimeUntil["web@h"] = T0.AddMinutes(30));

        var during = CheckStateMachine.Apply("web@h", applier.Apply("web@h", new CheckStatus(), T0), Critical, T0, Once);
        var after = applier.Apply("web@h", during.Status, T0.AddMinutes(31));

        during.Events.Single().SuppressedBecause.ShouldBe("in downtime");
        after.InDowntime.ShouldBeFalse();
        applier.Apply("other@h", new CheckStatus(), T0).InDowntime.ShouldBeFalse();
    }
}
