using Slipway.Monitor.Alerts;
using Slipway.Monitor.Configuration;
using Slipway.Monitor.Service;

namespace Slipway.Monitor.Tests.Alerts;

/// <summary>
/// What is told, and when, as a check's results come in on a fake clock: the state machine turns results into statuses,
/// the marks applier applies downtime and acks, and the planner decides the alerts, as <c>monitor serve</c> chains them.
/// </summary>
public sealed class AlertPlannerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly CheckOptions ThreeAttempts = new() { MaxCheckAttempts = 3 };
    private static readonly TimeSpan Renotify = TimeSpan.FromMinutes(30);

    /// <summary>One check fed results minute by minute, with the alerts decided after each.</summary>
    private sealed class Run(CheckOptions options, TimeSpan renotify)
    {
        private readonly MarksApplier _marks = new();

        public CheckStatus Status { get; private set; } = new();

        public AlertTrack Track { get; private set; } = AlertTrack.None;

        public DateTimeOffset Now { get; private set; } = T0;

        public List<Notification> Sent { get; } = [];

        public MonitorMarks Marks
        {
            get => _marks.Current;
            set => _marks.Current = value;
        }

        /// <summary>A result one minute on, then the planner.</summary>
        public IReadOnlyList<Notification> Result(ServiceState state, string output = "")
        {
            Now = Now.AddMinutes(1);
            var before = _marks.Apply("web@h1", Status, Now);
            Status = CheckStateMachine.Apply("web@h1", before, new CheckResult { State = state, Output = output.Length > 0 ? output : state.Label() },
                Now, options).Status;
            return Tick(TimeSpan.Zero);
        }

        /// <summary>Time passes without a result (the planner runs every second in the service).</summary>
        public IReadOnlyList<Notification> Tick(TimeSpan later)
        {
            Now += later;
            Status = _marks.Apply("web@h1", Status, Now);
            var deploy = Marks.DeployBehind("web@h1", Status.LastHardStateChange, TimeSpan.FromMinutes(30)) is { } d
                ? new DeployAttribution(d.Stage, d.Action, d.Release, d.Commit, d.StartedAt, d.FinishedAt, d.Result) : null;
            var decision = AlertPlanner.Decide("web@h1", Status, Track, Now, renotify, deploy);
            Track = decision.Track;
            Sent.AddRange(decision.Notifications);
            return decision.Notifications;
        }
    }

    [Fact]
    public void A_problem_is_told_once_when_it_turns_hard_and_its_recovery_once_when_it_ends()
    {
        var run = new Run(ThreeAttempts, Renotify);
        run.Result(ServiceState.Ok).ShouldBeEmpty();
        run.Result(ServiceState.Critical, "CRITICAL - refused").ShouldBeEmpty("SOFT 1/3 is not told");
        run.Result(ServiceState.Critical).ShouldBeEmpty("SOFT 2/3 is not told");

        var problem = run.Result(ServiceState.Critical, "CRITICAL - refused").ShouldHaveSingleItem();
        problem.Type.ShouldBe("PROBLEM");
        problem.State.ShouldBe(ServiceState.Critical);
        problem.PreviousState.ShouldBe(ServiceState.Ok);
        problem.Output.ShouldBe("CRITICAL - refused");
        problem.Name.ShouldBe("web");
        problem.Host.ShouldBe("h1");
        problem.Subject.ShouldBe("** PROBLEM: web@h1 is CRITICAL **");

        run.Result(ServiceState.Critical).ShouldBeEmpty("the same problem is not told again before the re-notification interval");
        run.Tick(TimeSpan.FromSeconds(1)).ShouldBeEmpty();

        var recovery = run.Result(ServiceState.Ok).ShouldHaveSingleItem();
        recovery.Type.ShouldBe("RECOVERY");
        recovery.PreviousState.ShouldBe(ServiceState.Critical);
        recovery.Since.ShouldBe(problem.Since);
        run.Result(ServiceState.Ok).ShouldBeEmpty();
        run.Sent.Count.ShouldBe(2);
    }

    [Fact]
    public void A_soft_problem_that_recovers_tells_nothing()
    {
        var run = new Run(ThreeAttempts, Renotify);
        run.Result(ServiceState.Critical);
        run.Result(ServiceState.Critical);
        run.Result(ServiceState.Ok);
        run.Sent.ShouldBeEmpty();
    }

    [Fact]
    public void A_problem_that_stays_hard_is_told_again_every_renotify_interval_and_numbered()
    {
        var run = new Run(new CheckOptions { MaxCheckAttempts = 1 }, Renotify);
        run.Result(ServiceState.Critical).ShouldHaveSingleItem().Number.ShouldBe(1);

        run.Tick(TimeSpan.FromMinutes(29)).ShouldBeEmpty("29 minutes after the first alert");
        var again = run.Tick(TimeSpan.FromMinutes(1)).ShouldHaveSingleItem();
        again.Type.ShouldBe("PROBLEM");
        again.Number.ShouldBe(2);
        again.PreviousState.ShouldBe(ServiceState.Critical);
        again.Key.ShouldNotBe(run.Sent[0].Key, "a re-notification is not a duplicate");
        run.Tick(TimeSpan.FromMinutes(30)).ShouldHaveSingleItem().Number.ShouldBe(3);
    }

    [Fact]
    public void A_zero_renotify_interval_tells_a_problem_once()
    {
        var run = new Run(new CheckOptions { MaxCheckAttempts = 1 }, TimeSpan.Zero);
        run.Result(ServiceState.Critical).ShouldHaveSingleItem();
        run.Tick(TimeSpan.FromDays(1)).ShouldBeEmpty();
    }

    [Fact]
    public void Warning_to_critical_is_a_new_problem_told_at_once()
    {
        var run = new Run(new CheckOptions { MaxCheckAttempts = 1 }, Renotify);
        run.Result(ServiceState.Warning).ShouldHaveSingleItem().State.ShouldBe(ServiceState.Warning);
        var worse = run.Result(ServiceState.Critical).ShouldHaveSingleItem();
        worse.State.ShouldBe(ServiceState.Critical);
        worse.PreviousState.ShouldBe(ServiceState.Warning);
        worse.Number.ShouldBe(1);
    }

    [Fact]
    public void An_acknowledged_problem_is_not_told_again_but_its_recovery_is()
    {
        var run = new Run(new CheckOptions { MaxCheckAttempts = 1 }, Renotify);
        run.Result(ServiceState.Critical).ShouldHaveSingleItem();
        var marks = new MonitorMarks();
        marks.Acknowledged["web@h1"] = new Acknowledgement(run.Now.AddSeconds(30), "replacing the disk");
        run.Marks = marks;

        run.Tick(TimeSpan.FromHours(3)).ShouldBeEmpty("acknowledged: no re-notification");
        run.Status.Acknowledged.ShouldBeTrue();
        run.Result(ServiceState.Ok).ShouldHaveSingleItem().Type.ShouldBe("RECOVERY");
    }

    [Fact]
    public void A_problem_that_turned_hard_in_downtime_is_told_when_the_downtime_ends_if_it_is_still_there()
    {
        var run = new Run(new CheckOptions { MaxCheckAttempts = 1 }, Renotify);
        var marks = new MonitorMarks();
        marks.DowntimeUntil["web@h1"] = T0.AddMinutes(10);
        run.Marks = marks;

        run.Result(ServiceState.Critical).ShouldBeEmpty("in downtime");
        run.Result(ServiceState.Critical).ShouldBeEmpty("in downtime");
        run.Tick(TimeSpan.FromMinutes(8)).ShouldHaveSingleItem().Type.ShouldBe("PROBLEM");
    }

    [Fact]
    public void A_problem_that_recovers_within_its_downtime_tells_nothing_at_all()
    {
        var run = new Run(new CheckOptions { MaxCheckAttempts = 1 }, Renotify);
        var marks = new MonitorMarks();
        marks.DowntimeUntil["web@h1"] = T0.AddMinutes(10);
        run.Marks = marks;

        run.Result(ServiceState.Critical);
        run.Result(ServiceState.Ok);
        run.Tick(TimeSpan.FromMinutes(20));
        run.Sent.ShouldBeEmpty();
    }

    [Fact]
    public void A_recovery_during_downtime_of_a_told_problem_is_told_when_the_downtime_ends()
    {
        var run = new Run(new CheckOptions { MaxCheckAttempts = 1 }, Renotify);
        run.Result(ServiceState.Critical).ShouldHaveSingleItem();
        var marks = new MonitorMarks();
        marks.DowntimeUntil["web@h1"] = run.Now.AddMinutes(5);
        run.Marks = marks;

        run.Result(ServiceState.Ok).ShouldBeEmpty("in downtime");
        run.Tick(TimeSpan.FromMinutes(5)).ShouldHaveSingleItem().Type.ShouldBe("RECOVERY");
    }

    [Fact]
    public void A_check_failing_after_a_deploy_is_told_when_the_deploy_ends_and_names_the_release()
    {
        var run = new Run(new CheckOptions { MaxCheckAttempts = 2 }, Renotify);
        run.Result(ServiceState.Ok);
        var marks = new MonitorMarks();
        marks.Deploys["web@h1"] = new DeployMark("production", run.Now, run.Now + DeployDowntime.Longest);
        run.Marks = marks;

        run.Result(ServiceState.Critical, "CRITICAL - 502").ShouldBeEmpty("deploying");
        run.Result(ServiceState.Critical, "CRITICAL - 502").ShouldBeEmpty("HARD, but the deploy is running");
        run.Status.InDowntime.ShouldBeTrue();

        var ended = new MonitorMarks();
        ended.Deploys["web@h1"] = marks.Deploys["web@h1"] with
        {
            FinishedAt = run.Now.AddSeconds(10), DowntimeUntil = run.Now.AddSeconds(10), Release = "20261205120300", Commit = "abcdef0123", Result = "succeeded",
        };
        run.Marks = ended;
        var problem = run.Tick(TimeSpan.FromSeconds(11)).ShouldHaveSingleItem();
        problem.Type.ShouldBe("PROBLEM");
        problem.Deploy.ShouldNotBeNull().Release.ShouldBe("20261205120300");
        problem.ToText().ShouldContain("Release: after deploy of release 20261205120300 (abcdef0) to production, ended 2026-12-05 12:03:10Z (succeeded)");
    }

    [Fact]
    public void A_problem_that_began_before_the_deploy_is_not_blamed_on_it()
    {
        var run = new Run(new CheckOptions { MaxCheckAttempts = 1 }, Renotify);
        run.Result(ServiceState.Critical).ShouldHaveSingleItem().Deploy.ShouldBeNull();
        var marks = new MonitorMarks();
        marks.Deploys["web@h1"] = new DeployMark("production", run.Now.AddMinutes(1), run.Now.AddMinutes(2))
        {
            FinishedAt = run.Now.AddMinutes(2), Release = "r2", Result = "succeeded",
        };
        run.Marks = marks;

        run.Tick(TimeSpan.FromMinutes(30)).ShouldHaveSingleItem().Deploy.ShouldBeNull();
    }

    [Fact]
    public void Flapping_is_told_at_start_and_stop_and_silences_problems_in_between()
    {
        var run = new Run(new CheckOptions { MaxCheckAttempts = 1 }, Renotify);
        run.Result(ServiceState.Critical).ShouldHaveSingleItem().Type.ShouldBe("PROBLEM");
        run.Result(ServiceState.Ok).ShouldHaveSingleItem().Type.ShouldBe("RECOVERY");
        run.Result(ServiceState.Critical).ShouldHaveSingleItem().Type.ShouldBe("PROBLEM");
        run.Result(ServiceState.Ok).Select(n => n.Type).ShouldBe(["FLAPPINGSTART"], "24.2 % state change: flapping, and the recovery is not told");
        run.Result(ServiceState.Critical).ShouldBeEmpty("flapping");

        for (var i = 0; i < 20 && !run.Sent.Any(n => n.Type == "FLAPPINGSTOP"); i++)
        {
            run.Result(ServiceState.Ok);
        }

        run.Sent.Select(n => n.Type).ShouldBe(["PROBLEM", "RECOVERY", "PROBLEM", "FLAPPINGSTART", "FLAPPINGSTOP", "RECOVERY"]);
    }
}
