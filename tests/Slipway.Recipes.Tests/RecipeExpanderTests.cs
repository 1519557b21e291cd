using System.Text;
using Slipway.Core.Config;
using Slipway.Core.Layout;
using Slipway.Deploy.Model;
using Slipway.Deploy.Scripts;
using Slipway.Testing;

namespace Slipway.Recipes.Tests;

public sealed class RecipeExpanderTests
{
    [Fact]
    public void Django_steps_come_before_the_sites_own_after_update_hooks_with_labels()
    {
        var config = RecipeExpander.Apply(Sites.Parse(Sites.Django));

        config.Hooks[HookPoints.AfterUpdate].Select(h => h.Label ?? h.Run).ShouldBe([
            "django: virtualenv", "django: pip install", "requires: python module PIL", "django: check --deploy",
            "django: migrate", "django: collectstatic", "django: compilemessages", "echo user hook",
        ]);
        config.Hooks[HookPoints.AfterPublish].Select(h => h.Label ?? h.Run).ShouldBe([
            "supervisor: update web worker", "health: web", "health: queue", "echo published",
        ]);
    }

    [Fact]
    public void Migrate_runs_once_on_the_primary_db_host_and_the_others_skip_it()
    {
        var config = RecipeExpander.Apply(Sites.Parse(Sites.Django));
        var hosts = config.Stages[0].Hosts;

        Labels(config, HookPoints.AfterUpdate, hosts[0], hosts).ShouldContain(DjangoSteps.MigrateLabel);
        Labels(config, HookPoints.AfterUpdate, hosts[1], hosts).ShouldNotContain(DjangoSteps.MigrateLabel);
        Labels(config, HookPoints.AfterUpdate, hosts[1], hosts).ShouldContain(DjangoSteps.CollectStaticLabel);
    }

    [Fact]
    public void Python_module_requirements_move_from_the_check_phase_into_the_virtualenv()
    {
        var config = RecipeExpander.Apply(Sites.Parse(Sites.Django));

        config.Requirements.Select(r => r.Kind).ShouldBe([RequirementKind.Command]);
        var check = config.Hooks[HookPoints.AfterUpdate].Single(h => h.Label == "requires: python module PIL");
        check.Run.ShouldStartWith("venv/bin/python -c ");
    }

    [Fact]
    public void Health_checks_default_to_the_roles_of_their_process_and_run_only_there()
    {
        var config = RecipeExpander.Apply(Sites.Parse(Sites.Django));
        var hosts = config.Stages[0].Hosts;

        Labels(config, HookPoints.AfterPublish, hosts[0], hosts).ShouldBe(["supervisor: update web worker", "health: web", "echo published"]);
        Labels(config, HookPoints.AfterPublish, hosts[1], hosts)
            .ShouldBe(["supervisor: update web worker", "health: web", "health: queue", "echo published"]);
    }

    [Fact]
    public void Each_host_gets_its_own_programs_and_health_urls()
    {
        var config = RecipeExpander.Apply(Sites.Parse(Sites.Django));
        var hosts = config.Stages[0].Hosts;

        var web1 = string.Join("\n", HookPlanner.For(config, HookPoints.AfterPublish, hosts[0], hosts).Select(h => h.Run));
        var web2 = string.Join("\n", HookPlanner.For(config, HookPoints.AfterPublish, hosts[1], hosts).Select(h => h.Run));
        web1.ShouldContain("http://127.0.0.1:8000/health");
        web1.ShouldContain("--restart web --timeout 60s");
        web1.ShouldNotContain("[program:worker]");
        web2.ShouldContain("http://127.0.0.1:8001/health");
        web2.ShouldContain("--restart web --restart worker");
        web2.ShouldContain("/srv/other/slipway/supervisor.sock");
    }

    [Fact]
    public void A_config_without_recipes_comes_back_unchanged()
    {
        var config = Sites.Parse("""
            application: plain
            deploy_to: /srv/plain
            stages: { production: { hosts: [ { host: a } ] } }

            """);

        RecipeExpander.Apply(config).ShouldBeSameAs(config);
        RecipeExpander.PublishParallelism(config).ShouldBeNull();
    }

    [Fact]
    public void Rolling_processes_publish_one_host_at_a_time()
    {
        RecipeExpander.PublishParallelism(Sites.Parse(Sites.Django)).ShouldBe(1);
    }

    [Fact]
    public void The_publish_script_of_each_host_is_golden()
    {
        var config = RecipeExpander.Apply(Sites.Parse(Sites.Django));
        var hosts = config.Stages[0].Hosts;
        var text = new StringBuilder();
        foreach (var host in hosts)
        {
            var paths = HostLayout.For(config, host);
            var context = new ReleaseContext(paths, "production", "20261127050000", "abc123", "main", "20261120050000", host.DisplayName);
            var hooks = new HookSteps(
                HookPlanner.For(config, HookPoints.BeforePublish, host, hosts), HookPlanner.For(config, HookPoints.AfterPublish, host, hosts));
            text.Append("### ").Append(host.DisplayName).Append('\n').Append(DeployScripts.Publish(context, hooks, "TOKEN").Text).Append("\n\n");
        }

        Golden.Verify(text.ToString(), "recipes", "publish-scripts");
    }

    [Fact]
    public void The_update_hooks_of_the_migrate_host_are_golden()
    {
        var config = RecipeExpander.Apply(Sites.Parse(Sites.Django));
        var hosts = config.Stages[0].Hosts;
        var text = new StringBuilder();
        foreach (var hook in HookPlanner.For(config, HookPoints.AfterUpdate, hosts[0], hosts))
        {
            text.Append("### ").Append(hook.Label ?? "(site hook)").Append('\n').Append(hook.Run).Append("\n\n");
        }

        Golden.Verify(text.ToString(), "recipes", "django-after-update");
    }

    private static List<string> Labels(SlipwayConfig config, string point, HostConfig host, IReadOnlyList<HostConfig> hosts) =>
        [.. HookPlanner.For(config, point, host, hosts).Select(h => h.Label ?? h.Run)];
}
