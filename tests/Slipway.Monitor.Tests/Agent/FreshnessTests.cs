using Microsoft.Extensions.Time.Testing;
using Slipway.Monitor.Agent;
using Slipway.Monitor.Scheduling;
using Slipway.Monitor.Tests.Support;

namespace Slipway.Monitor.Tests.Agent;

/// <summary>Freshness of run_on: agent checks and the intake, on a fake clock.</summary>
public sealed class FreshnessTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static readonly CheckOptions Options = new()
    {
        CheckInterval = TimeSpan.FromMinutes(1),
        RetryInterval = TimeSpan.FromSeconds(30),
        MaxCheckAttempts = 2,
    };

    [Fact]
    public void The_default_limit_is_two_intervals_and_a_minute()
    {
        FreshnessWatch.DefaultLimit(Options).ShouldBe(TimeSpan.FromMinutes(3));
        FreshnessWatch.DefaultLimit(new CheckOptions { CheckInterval = TimeSpan.FromMinutes(5) }).ShouldBe(TimeSpan.FromMinutes(11));
    }

    [Fact]
    public void A_check_is_stale_a_limit_after_its_last_result_or_the_start()
    {
        var watch = new FreshnessWatch([("disk@web1", TimeSpan.FromMinutes(3)), ("load@web2", TimeSpan.FromMinutes(3))], T0);
        watch.Stale(T0.AddMinutes(2)).ShouldBeEmpty();
        watch.Seen("disk@web1", T0.AddMinutes(2));

        var stale = watch.Stale(T0.AddMinutes(3)).ShouldHaveSingleItem();
        stale.Id.ShouldBe("load@web2");
        stale.Message.ShouldBe("no result from agent on web2 for 3m");

        watch.Reported("load@web2", T0.AddMinutes(4));
        watch.Stale(T0.AddMinutes(3.5)).ShouldBeEmpty();
        watch.Stale(T0.AddMinutes(5)).Select(s => (s.Id, s.Message)).ShouldBe(
        [
            ("disk@web1", "no result from agent on web1 for 3m"),
            ("load@web2", "no result from agent on web2 for 5m"),
        ]);
        FreshnessWatch.HostOf("disk@deploy@10.0.0.5:22").ShouldBe("deploy@10.0.0.5:22");
    }

    [Fact(Timeout = 30_000)]
    public async Task Results_are_judged_as_if_run_here_and_a_silent_agent_turns_the_check_unknown_then_hard()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(T0);
        var sink = new ListSink();
        var scheduler = new CheckScheduler([new ScheduledCheck("disk@web1", new ScriptedCheck(time), Options) { Passive = true }],
            new SchedulerOptions(), sink, time);
        using var intake = new AgentIntake(scheduler, [("disk@web1", TimeSpan.FromMinutes(3))], time);
        var notes = new List<string>();
        intake.Noted += notes.Add;

        AgentResult Run(int minute, int state) => new() { Check = "disk", Host = "web1", State = state, Output = $"at {minute}", At = T0.AddMinutes(minute) };
        time.Advance(TimeSpan.FromMinutes(2));
        var answer = await intake.AcceptAsync(new AgentBatch
        {
            Host = "web1",
            Dropped = 5,
            Results = [Run(0, 0), Run(1, 2), Run(2, 2), Run(1, 2), Run(0, 0)],
        }, ct);
        answer.Accepted.ShouldBe(3);
        answer.Duplicates.ShouldBe(2, "a batch sent again after a lost answer changes nothing");
        sink.Runs.Select(r => (r.Status.State, r.Status.Type, r.Status.Attempt)).ShouldBe(
        [
            (ServiceState.Ok, StateType.Hard, 1),
            (ServiceState.Critical, StateType.Soft, 1),
            (ServiceState.Critical, StateType.Hard, 2),
        ]);
        sink.Runs.Select(r => r.Started).ShouldBe([T0, T0.AddMinutes(1), T0.AddMinutes(2)], "history keeps when the agent ran them");
        notes.ShouldContain(n => n.Contains("5 results were dropped", StringComparison.Ordinal));

        // Unknown checks are named and ignored.
        (await intake.AcceptAsync(new AgentBatch { Host = "web1", Results = [Run(3, 0) with { Check = "nope" }] }, ct)).Unknown.ShouldBe(["nope@web1"]);

        // Recovery, then silence: nothing until the limit, then UNKNOWN SOFT, then HARD a retry_interval later.
        (await intake.AcceptAsync(new AgentBatch { Host = "web1", Results = [Run(2, 0) with { At = T0.AddMinutes(2.5) }] }, ct)).Accepted.ShouldBe(1);
        scheduler.Snapshot()["disk@web1"].State.ShouldBe(ServiceState.Ok);
        time.Advance(TimeSpan.FromMinutes(2.5));
        (await intake.CheckFreshnessAsync(ct)).ShouldBe(0);
        time.Advance(TimeSpan.FromMinutes(0.5));
        (await intake.CheckFreshnessAsync(ct)).ShouldBe(1);
        var status = scheduler.Snapshot()["disk@web1"];
        (status.State, status.Type, status.LastResult!.Output).ShouldBe((ServiceState.Unknown, StateType.Soft, "no result from agent on web1 for 3m"));
        (await intake.CheckFreshnessAsync(ct)).ShouldBe(0, "told once per retry, not every second");
        time.Advance(Options.RetryInterval);
        (await intake.CheckFreshnessAsync(ct)).ShouldBe(1);
        status = scheduler.Snapshot()["disk@web1"];
        (status.State, status.Type, status.LastResult!.Output).ShouldBe((ServiceState.Unknown, StateType.Hard, "no result from agent on web1 for 3m30s"));
        sink.Runs[^1].Events.ShouldContain(e => e.Kind == MonitorEventKind.HardStateChange);

        // The agent is back: its spooled results apply, the check recovers.
        time.Advance(TimeSpan.FromSeconds(10));
        (await intake.AcceptAsync(new AgentBatch { Host = "web1", Results = [Run(6, 0)] }, ct)).Accepted.ShouldBe(1);
        scheduler.Snapshot()["disk@web1"].State.ShouldBe(ServiceState.Ok);
        (await intake.CheckFreshnessAsync(ct)).ShouldBe(0);
    }
}
