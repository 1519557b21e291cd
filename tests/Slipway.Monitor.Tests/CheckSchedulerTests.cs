using Microsoft.Extensions.Time.Testing;
using Slipway.Monitor.Scheduling;
using Slipway.Monitor.Tests.Support;
using Slipway.Testing;

namespace Slipway.Monitor.Tests;

public sealed class CheckSchedulerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static readonly CheckOptions Options = new()
    {
        CheckInterval = TimeSpan.FromMinutes(5),
        RetryInterval = TimeSpan.FromMinutes(1),
        MaxCheckAttempts = 3,
    };

    [Fact(Timeout = 60_000)]
    public async Task Soft_states_are_rechecked_at_the_retry_interval_and_hard_ones_at_the_check_interval()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(T0);
        var check = new ScriptedCheck(time, ServiceState.Ok, ServiceState.Critical, ServiceState.Critical,
            ServiceState.Critical, ServiceState.Critical, ServiceState.Ok);
        var sink = new ListSink();
        var scheduler = new CheckScheduler([new ScheduledCheck("web", check, Options)], new SchedulerOptions(), sink, time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var loop = scheduler.RunAsync(stop.Token);

        var first = CheckSchedule.FirstDue("web", Options.CheckInterval, T0);
        var expected = new[]
        {
            first,                          // OK
            first.AddMinutes(5),            // CRITICAL: SOFT 1/3
            first.AddMinutes(6),            // CRITICAL: SOFT 2/3, one retry_interval later
            first.AddMinutes(7),            // CRITICAL: HARD 3/3
            first.AddMinutes(10),           // CRITICAL: still HARD, at its next slot (at least half a check_interval on)
            first.AddMinutes(15),           // OK: recovery
        };
        for (var i = 0; i < expected.Length; i++)
        {
            await StepToAsync(time, scheduler, sink, i, expected[i], ct);
        }

        await Eventually.ForAsync(() => sink.Runs.Count == expected.Length, Wait, ct);
        check.Runs.ShouldBe(expected);
        sink.Runs.Select(r => (r.Status.State, r.Status.Type, r.Status.Attempt)).ShouldBe(
        [
            (ServiceState.Ok, StateType.Hard, 1),
            (ServiceState.Critical, StateType.Soft, 1),
            (ServiceState.Critical, StateType.Soft, 2),
            (ServiceState.Critical, StateType.Hard, 3),
            (ServiceState.Critical, StateType.Hard, 3),
            (ServiceState.Ok, StateType.Hard, 1),
        ]);
        sink.Runs.SelectMany(r => r.Events).Where(e => e.Notify).Select(e => e.Kind)
            .ShouldBe([MonitorEventKind.HardStateChange, MonitorEventKind.Recovery]);
        sink.Runs.ShouldAllBe(r => r.Lateness == TimeSpan.Zero);

        await stop.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => loop);
    }

    [Fact(Timeout = 60_000)]
    public async Task No_more_checks_than_the_limit_run_at_once_and_the_wait_shows_as_lateness()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(T0);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = Options with { CheckInterval = TimeSpan.FromMinutes(1) };
        var checks = Enumerable.Range(0, 5)
            .Select(i => new ScheduledCheck($"c{i}", new ScriptedCheck(time, ServiceState.Ok) { Gate = gate }, options))
            .ToList();
        var sink = new ListSink();
        var scheduler = new CheckScheduler(checks, new SchedulerOptions { MaxConcurrency = 2 }, sink, time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var loop = scheduler.RunAsync(stop.Token);

        // Every first slot lies within the first minute: after it all five are due, two may run.
        await Eventually.ForAsync(() => scheduler.IsIdle, Wait, ct);
        time.Advance(TimeSpan.FromMinutes(1));
        (await Eventually.ForAsync(() => Started(checks) == 2, Wait, ct)).ShouldBeTrue();
        time.Advance(TimeSpan.FromSeconds(10));
        Started(checks).ShouldBe(2);

        gate.SetResult();
        (await Eventually.ForAsync(() => sink.Runs.Count == 5, Wait, ct)).ShouldBeTrue();
        scheduler.Lateness.Count.ShouldBe(5);
        scheduler.Lateness.Max.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(10));
        scheduler.Snapshot().Values.ShouldAllBe(s => s.State == ServiceState.Ok && !s.IsPending);

        await stop.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => loop);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_check_that_throws_is_unknown_and_the_scheduler_goes_on()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(T0);
        var sink = new ListSink();
        var scheduler = new CheckScheduler([new ScheduledCheck("bad", new ThrowingCheck(), Options)], new SchedulerOptions(), sink, time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var loop = scheduler.RunAsync(stop.Token);

        await Eventually.ForAsync(() => scheduler.IsIdle, Wait, ct);
        time.Advance(Options.CheckInterval);
        (await Eventually.ForAsync(() => sink.Runs.Count == 1, Wait, ct)).ShouldBeTrue();

        sink.Runs[0].Result.State.ShouldBe(ServiceState.Unknown);
        sink.Runs[0].Result.Output.ShouldBe("(check failed: broken on purpose)");
        await stop.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => loop);
    }

    [Fact]
    public void Acknowledgement_and_downtime_go_into_the_status()
    {
        var scheduler = new CheckScheduler([new ScheduledCheck("web", new ThrowingCheck(), Options)], new SchedulerOptions(), new ListSink());

        scheduler.SetDowntime(["web"], inDowntime: true);

        scheduler.Snapshot()["web"].InDowntime.ShouldBeTrue();
        Should.Throw<KeyNotFoundException>(() => scheduler.SetDowntime(["nope"], true)).Message.ShouldBe("no check is named 'nope'");
        Should.Throw<ArgumentException>(() => new CheckScheduler(
            [new ScheduledCheck("a", new ThrowingCheck(), Options), new ScheduledCheck("a", new ThrowingCheck(), Options)],
            new SchedulerOptions(), new ListSink())).Message.ShouldStartWith("two checks are named 'a'");
        Should.Throw<ArgumentException>(() => new CheckScheduler(
            [new ScheduledCheck("z", new ThrowingCheck(), Options with { CheckInterval = TimeSpan.Zero })],
            new SchedulerOptions(), new ListSink())).Message.ShouldStartWith("check 'z': check_interval must be greater than 0");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_scheduler_runs_once_at_a_time()
    {
        var time = new FakeTimeProvider(T0);
        var scheduler = new CheckScheduler([new ScheduledCheck("web", new ThrowingCheck(), Options)], new SchedulerOptions(), new ListSink(), time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var loop = scheduler.RunAsync(stop.Token);

        await Should.ThrowAsync<InvalidOperationException>(() => scheduler.RunAsync(stop.Token));

        await stop.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => loop);
    }

    /// <summary>Waits until run <paramref name="done"/> is recorded and the loop is parked, then moves the clock to <paramref name="at"/>.</summary>
    private static async Task StepToAsync(FakeTimeProvider time, CheckScheduler scheduler, ListSink sink, int done,
        DateTimeOffset at, CancellationToken ct)
    {
        (await Eventually.ForAsync(() => sink.Runs.Count == done && scheduler.IsIdle, Wait, ct))
            .ShouldBeTrue($"run {done} was not recorded or the loop did not park");
        (at >= time.GetUtcNow()).ShouldBeTrue($"run {done + 1} is expected at {at:O}, but the clock is already at {time.GetUtcNow():O}");
        time.SetUtcNow(at);
    }

    private static int Started(IEnumerable<ScheduledCheck> checks) => checks.Sum(c => ((ScriptedCheck)c.Check).Runs.Count);

    private sealed class ThrowingCheck : ICheck
    {
        public Task<CheckResult> RunAsync(TimeSpan timeout, CancellationToken ct) =>
            throw new InvalidOperationException("broken on purpose");
    }
}
