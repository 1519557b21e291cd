using Slipway.Core.Config;

namespace Slipway.Recipes.Tests;

public sealed class WorkerProgramsTests
{
    private const string Site = """
        application: shop
        deploy_to: /srv/shop
        queue:
          url: postgres://jobs:pa$$word@db1/jobs
          lease: 45s
          retry: { max_attempts: 4 }
          worker: { stop_grace: 20s }
        processes:
          web: { command: "/usr/bin/python3 -m http.server 8000", roles: [web] }
        workers:
          mail: { command: "python3 send_mail.py --fast", roles: [worker], numprocs: 2, concurrency: 4, timeout: 5m }
          thumbs: { queue: "images:thumbs", command: "convert-one", stop_grace: 2m }
        stages:
          production:
            hosts:
              - { host: web1, roles: [web] }
              - { host: job1, roles: [worker], deploy_to: /srv/jobs }

        """;

    [Fact]
    public void A_worker_becomes_a_program_that_runs_slipway_worker_with_the_hosts_own_settings_file()
    {
        var config = Sites.Parse(Site);
        var text = ProgramRenderer.Render(config, Sites.Host(config, "job1"));

        text.ShouldContain("[program:mail]\ncommand=/srv/jobs/slipway/bin/slipway worker mail -f /srv/jobs/slipway/worker.yml --concurrency 4 --timeout 5m -- python3 send_mail.py --fast\n");
        text.ShouldContain("numprocs=2\n");
        text.ShouldContain("directory=/srv/jobs/current\n");
        text.ShouldContain("autorestart=true\n");
        // SIGKILL only after the worker's own grace (queue.worker.stop_grace here) and the margin for handing jobs back.
        text.ShouldContain("[program:mail]\n");
        text.ShouldContain("stopwaitsecs=30\nstopasgroup=false\nkillasgroup=true\n");
        text.ShouldContain("[program:thumbs]\ncommand=/srv/jobs/slipway/bin/slipway worker images:thumbs -f /srv/jobs/slipway/worker.yml --stop-grace 2m -- convert-one\n");
        text.ShouldContain("stopwaitsecs=130\n");
        text.ShouldNotContain("[program:web]");
    }

    [Fact]
    public void Roles_choose_the_hosts_and_a_worker_without_roles_runs_everywhere()
    {
        var config = Sites.Parse(Site);

        ProgramRenderer.ProcessesFor(config, Sites.Host(config, "web1")).Select(p => p.Name).ShouldBe(["web", "thumbs"]);
        ProgramRenderer.ProcessesFor(config, Sites.Host(config, "job1")).Select(p => p.Name).ShouldBe(["mail", "thumbs"]);
        SupervisorSteps.Label(config).ShouldBe("supervisor: update web mail thumbs");
    }

    [Fact]
    public void The_supervisor_step_writes_the_settings_file_private_before_restarting_and_never_shows_its_secret()
    {
        var config = Sites.Parse(Site);
        var step = SupervisorSteps.Update(config, Sites.Host(config, "job1"));

        step.Text.ShouldContain("w=/srv/jobs/slipway/worker.yml\n(umask 077 && printf '%s' ");
        step.Text.IndexOf("worker.yml", StringComparison.Ordinal).ShouldBeLessThan(step.Text.IndexOf("agent supervisor update", StringComparison.Ordinal));
        step.Text.ShouldContain("--restart mail --restart thumbs");
        step.Text.ShouldContain("pa$$word"); // the file doubles '$' so the loader reads it back as written
        step.ToString().ShouldNotContain("pa$");
    }

    [Fact]
    public void The_settings_file_loads_back_to_the_same_queue_settings_and_names_only_its_host()
    {
        var config = Sites.Parse(Site);
        var host = Sites.Host(config, "job1");
        var file = ConfigPrinter.WorkerFile(config, host, WorkerPrograms.QueueUrl(config, host));

        var loaded = ConfigLoader.Parse(file, "/srv/jobs/slipway/worker.yml", _ => null);

        loaded.Errors.ShouldBeEmpty();
        var queue = loaded.Config!.Queue!;
        queue.Url.ShouldBe("postgres://jobs:pa$word@db1/jobs");
        queue.Lease.ShouldBe(TimeSpan.FromSeconds(45));
        queue.Retry.MaxAttempts.ShouldBe(4);
        queue.Worker.StopGrace.ShouldBe(TimeSpan.FromSeconds(20));
        loaded.Config.Application.ShouldBe("shop");
        loaded.Config.DeployTo.ShouldBe("/srv/jobs");
        loaded.Config.Stages.Single().Hosts.Single().Host.ShouldBe("job1");
    }

    [Fact]
    public void The_embedded_default_store_becomes_a_file_under_shared_on_each_host()
    {
        var config = Sites.Parse("""
            application: demo
            deploy_to: /srv/demo
            workers:
              jobs: { command: "sh -c 'cat > /dev/null'" }
            stages: { production: { hosts: [ { host: a } ] } }

            """);
        var host = config.Stages[0].Hosts[0];

        WorkerPrograms.QueueUrl(config, host).ShouldBe("sqlite:///srv/demo/shared/queue.db");
        var loaded = ConfigLoader.Parse(ConfigPrinter.WorkerFile(config, host, WorkerPrograms.QueueUrl(config, host)), "/srv/demo/slipway/worker.yml", _ => null);
        loaded.Errors.ShouldBeEmpty();
        loaded.Config!.Queue!.Url.ShouldBe("sqlite:///srv/demo/shared/queue.db");
        RecipeExpander.Apply(config).Hooks[HookPoints.AfterPublish].Single().Label.ShouldBe("supervisor: update jobs");
    }

    [Theory]
    [InlineData("workers:\n  web: { command: x }\n", "workers.web", "'web' is also a process")]
    [InlineData("workers:\n  mail: { queue: q }\n", "workers.mail.command", "required key is missing")]
    [InlineData("workers:\n  mail: { command: x, numprocs: 0 }\n", "workers.mail.numprocs", "")]
    [InlineData("workers:\n  mail: { command: x, colour: red }\n", "workers.mail.colour", "")]
    [InlineData("workers:\n  mail: { command: x, roles: [cron] }\n", "workers.mail.roles", "role 'cron'")]
    public void Bad_entries_are_config_errors_naming_the_key(string section, string key, string text)
    {
        var yaml = """
            application: shop
            deploy_to: /srv/shop
            processes:
              web: { command: "serve" }
            stages: { production: { hosts: [ { host: a, roles: [web] } ] } }

            """ + section;

        var result = ConfigLoader.Parse(yaml, "/sites/shop/slipway.yml", _ => null);

        var error = result.Errors.ShouldHaveSingleItem();
        error.KeyPath.ShouldStartWith(key);
        error.Message.ShouldContain(text);
        error.Location.Line.ShouldBeGreaterThan(5);
    }

    [Fact]
    public void The_publish_script_writes_the_queue_password_but_shows_it_as_stars()
    {
        var config = RecipeExpander.Apply(Sites.Parse(Site));
        var host = config.Stages[0].Hosts[1];
        var paths = Slipway.Core.Layout.HostLayout.For(config, host);
        var context = new Slipway.Deploy.Scripts.ReleaseContext(paths, "production", "20261127050000", "abc123", "main", null, host.DisplayName);
        var hooks = new Slipway.Deploy.Scripts.HookSteps([], Slipway.Deploy.Model.HookPlanner.For(config, HookPoints.AfterPublish, host, config.Stages[0].Hosts));

        var script = Slipway.Deploy.Scripts.DeployScripts.Publish(context, hooks, "TOKEN");

        script.Text.ShouldContain("jobs:pa$$word@db1"); // '$' doubled for the loader that reads the file back
        script.ToString().ShouldNotContain("word@db1");
        script.ToString().ShouldContain("worker.yml");
        script.ToString().ShouldContain("***");
    }
}
