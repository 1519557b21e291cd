using Microsoft.Extensions.Time.Testing;
using Slipway.Supervisor.Client;
using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Tests.Client;

public sealed class StartupJudgeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 6, 0, 0, TimeSpan.Zero);

    internal static ProcessInfo P(string group, string name, ProcessState state, string spawnerr = "", string description = "", int exit = 0) =>
        new(name, group, state, state.ToString().ToUpperInvariant(), state == ProcessState.Running ? 42 : 0, 100, 0, 160, exit, spawnerr, description, "", "");

    [Fact]
    public void All_selected_processes_running_is_running()
    {
        var all = new[] { P("web", "web_00", ProcessState.Running), P("web", "web_01", ProcessState.Running), P("cron", "cron", ProcessState.Fatal) };

        var j = StartupJudge.Judge(all, ["web"], T0, T0.AddSeconds(60));

        j.Verdict.ShouldBe(Verdict.Running);
        j.Processes.Select(p => p.FullName).ShouldBe(["web:web_00", "web:web_01"]);
    }

    [Theory]
    [InlineData(ProcessState.Stopped)]
    [InlineData(ProcessState.Starting)]
    [InlineData(ProcessState.Stopping)]
    public void Not_yet_started_starting_and_stopping_are_waiting_before_the_deadline(ProcessState state)
    {
        var j = StartupJudge.Judge([P("web", "web", state)], ["web"], T0, T0.AddSeconds(1));

        j.Verdict.ShouldBe(Verdict.Waiting);
    }

    [Fact]
    public void Backoff_fails_at_once_with_the_spawn_error()
    {
        var j = StartupJudge.Judge([P("web", "web", ProcessState.Backoff, "Exited too quickly (process log may have details)")], ["web"], T0, T0.AddSeconds(60));

        j.Verdict.ShouldBe(Verdict.Failed);
        j.Problems.Single().Reason.ShouldBe("BACKOFF: Exited too quickly (process log may have details)");
    }

    [Fact]
    public void Exited_and_fatal_fail_and_name_the_process()
    {
        var j = StartupJudge.Judge(
            [P("app", "web", ProcessState.Exited, exit: 3), P("app", "worker", ProcessState.Fatal, "can't find command 'nope'")], ["app:*"], T0, T0.AddSeconds(60));

        j.Verdict.ShouldBe(Verdict.Failed);
        j.Problems.Select(p => p.Name + " " + p.Reason).ShouldBe(["app:web EXITED: exit status 3", "app:worker FATAL: can't find command 'nope'"]);
    }

    [Fact]
    public void Still_starting_at_the_deadline_fails_with_the_state_seen()
    {
        var j = StartupJudge.Judge([P("web", "web", ProcessState.Starting)], ["web"], T0.AddSeconds(60), T0.AddSeconds(60));

        j.Verdict.ShouldBe(Verdict.Failed);
        j.Problems.Single().Reason.ShouldBe("STARTING (not RUNNING after the timeout)");
    }

    [Fact]
    public void A_selector_that_matches_nothing_waits_then_fails_as_missing()
    {
        StartupJudge.Judge([P("web", "web", ProcessState.Running)], ["worker"], T0, T0.AddSeconds(5)).Verdict.ShouldBe(Verdict.Waiting);

        var j = StartupJudge.Judge([P("web", "web", ProcessState.Running)], ["worker"], T0.AddSeconds(5), T0.AddSeconds(5));
        j.Verdict.ShouldBe(Verdict.Failed);
        j.Problems.Single().Reason.ShouldStartWith("no such process or group");
    }

    [Theory]
    [InlineData("web", true)]
    [InlineData("web:*", true)]
    [InlineData("web:", true)]
    [InlineData("web:web_01", true)]
    [InlineData("web:web_02", false)]
    [InlineData("web_01", false)]
    public void Selectors_match_groups_and_full_names(string selector, bool matches) =>
        StartupJudge.Matches(P("web", "web_01", ProcessState.Running), selector).ShouldBe(matches);

    [Fact]
    public async Task The_waiter_polls_on_its_clock_until_the_process_is_running()
    {
        var time = new FakeTimeProvider(T0);
        var states = new Queue<ProcessState>([ProcessState.Stopped, ProcessState.Starting, ProcessState.Running]);
        var polls = 0;
        var waiter = new ProcessWaiter(time, TimeSpan.FromSeconds(1));

        var task = waiter.WaitAsync(_ =>
        {
            polls++;
            return Task.FromResult<IReadOnlyList<ProcessInfo>>([P("web", "web", states.Count > 1 ? states.Dequeue() : states.Peek())]);
        }, ["web"], TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        while (!task.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }

        (await task).Verdict.ShouldBe(Verdict.Running);
        polls.ShouldBe(3);
    }

    [Fact]
    public async Task The_waiter_gives_up_at_the_timeout()
    {
        var time = new FakeTimeProvider(T0);
        var waiter = new ProcessWaiter(time, TimeSpan.FromSeconds(1));

        var task = waiter.WaitAsync(_ => Task.FromResult<IReadOnlyList<ProcessInfo>>([P("web", "web", ProcessState.Starting)]), ["web"],
            TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        for (var i = 0; i < 10 && !task.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }

        task.IsCompleted.ShouldBeTrue();
        var j = await task;
        j.Verdict.ShouldBe(Verdict.Failed);
        time.GetUtcNow().ShouldBe(T0.AddSeconds(5));
    }
}
