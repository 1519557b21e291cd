using Slipway.Supervisor.Client;

namespace Slipway.Supervisor.Tests.Client;

public sealed class UpdatePlanTests
{
    private static string Steps(UpdatePlan plan) => string.Join(", ", plan.Actions);

    [Fact]
    public void Removed_changed_and_added_groups_get_the_calls_supervisorctl_update_makes()
    {
        var plan = UpdatePlan.Create(new ReloadResult(["new"], ["web"], ["old"]), ["web", "old", "worker"], [], restartAll: false);

        Steps(plan).ShouldBe("stop old, remove old, stop web, remove web, add web, add new");
        plan.WaitGroups.ShouldBe(["new", "web"]);
    }

    [Fact]
    public void Nothing_changed_and_nothing_to_restart_is_an_empty_plan()
    {
        var plan = UpdatePlan.Create(new ReloadResult([], [], []), ["web"], [], restartAll: false);

        plan.Actions.ShouldBeEmpty();
        plan.WaitGroups.ShouldBeEmpty();
    }

    [Fact]
    public void A_group_to_restart_that_the_update_just_re_added_is_not_restarted_twice()
    {
        var plan = UpdatePlan.Create(new ReloadResult([], ["web"], []), ["web", "worker"], ["web", "worker:*"], restartAll: false);

        Steps(plan).ShouldBe("stop web, remove web, add web, restart worker");
        plan.WaitGroups.ShouldBe(["web", "worker"]);
    }

    [Fact]
    public void Restart_all_restarts_every_group_that_stays_and_was_not_re_added()
    {
        var plan = UpdatePlan.Create(new ReloadResult(["new"], [], ["old"]), ["old", "web", "worker"], [], restartAll: true);

        Steps(plan).ShouldBe("stop old, remove old, add new, restart web, restart worker");
        plan.WaitGroups.ShouldBe(["new", "web", "worker"]);
    }

    [Fact]
    public void Restarting_an_unknown_group_names_it_and_the_groups_there_are()
    {
        var e = Should.Throw<ArgumentException>(() => UpdatePlan.Create(new ReloadResult([], [], []), ["web"], ["wbe"], restartAll: false));

        e.Message.ShouldBe("no such group: wbe (the supervisor has: web)");
    }

    [Fact]
    public void Restarting_a_group_this_update_removes_says_so()
    {
        var e = Should.Throw<ArgumentException>(() => UpdatePlan.Create(new ReloadResult([], [], ["old"]), ["old"], ["old"], restartAll: false));

        e.Message.ShouldBe("cannot restart old: removed from the config by this update");
    }
}
