using Slipway.Core.Config;
using Slipway.Deploy.Model;

namespace Slipway.Deploy.Tests;

public sealed class HookPlannerTests
{
    private static readonly HostConfig Web1 = new() { Host = "web1", Roles = ["web"] };
    private static readonly HostConfig Web2 = new() { Host = "web2", Roles = ["web", "db"], Primary = true };
    private static readonly HostConfig Worker = new() { Host = "worker", Roles = ["worker"] };

    private static SlipwayConfig Config(params HookConfig[] hooks) => new()
    {
        SourceFile = "/x/slipway.yml",
        Application = "app",
        DeployTo = "/srv/app",
        Stages = [],
        Hooks = new Dictionary<string, IReadOnlyList<HookConfig>> { [HookPoints.AfterUpdate] = hooks },
    };

    [Fact]
    public void Hooks_run_on_hosts_with_their_roles_and_once_hooks_on_the_primary_only()
    {
        var config = Config(
            new HookConfig { Run = "build" },
            new HookConfig { Run = "migrate", Roles = ["web"], Once = true },
            new HookConfig { Run = "restart-worker", Roles = ["worker"] });
        HostConfig[] all = [Web1, Web2, Worker];

        HookPlanner.For(config, HookPoints.AfterUpdate, Web1, all).Select(h => h.Run).ShouldBe(["build"]);
        HookPlanner.For(config, HookPoints.AfterUpdate, Web2, all).Select(h => h.Run).ShouldBe(["build", "migrate"]);
        HookPlanner.For(config, HookPoints.AfterUpdate, Worker, all).Select(h => h.Run).ShouldBe(["build", "restart-worker"]);
        HookPlanner.For(config, HookPoints.AfterPublish, Web1, all).ShouldBeEmpty();
    }

    [Fact]
    public void Without_a_primary_among_the_selected_hosts_the_first_with_the_role_runs_once_hooks()
    {
        var config = Config(new HookConfig { Run = "migrate", Roles = ["web"], Once = true });
        HookPlanner.For(config, HookPoints.AfterUpdate, Web1, [Web1, Worker]).Select(h => h.Run).ShouldBe(["migrate"]);
    }
}
