using Slipway.Core.Config;

namespace Slipway.Core.Tests.Config;

/// <summary>recipes, supervisor, health, promote and per-host vars: the shape the recipes issue asks for.</summary>
public sealed class RecipesConfigTests
{
    private const string Site = """
        application: mysite
        deploy_to: /srv/mysite
        recipes:
          django:
            python: /usr/bin/python3
            system_site_packages: true
            requirements: requirements.txt
            settings: mysite.settings
            migrate: { roles: [db] }
            collectstatic: true
        supervisor: slipway
        processes:
          web:
            command: "gunicorn mysite.wsgi --bind 127.0.0.1:${http_port}"
            roles: [web]
            rolling: true
          worker: { command: "python manage.py run_worker", numprocs: 2, roles: [worker] }
        health:
          web: { http: "http://127.0.0.1:${http_port}/", expect: 200, timeout: 10s, start_period: 45s }
        promote: { from: staging, to: production, min_age: 7d }
        stages:
          staging:
            hosts:
              - { host: stage1, roles: [web, db, worker], vars: { http_port: 8100 } }
          production:
            hosts:
              - { host: web1, roles: [web, db], vars: { http_port: 8000 } }
              - { host: web2, roles: [web, worker], vars: { http_port: 8001 } }

        """;

    [Fact]
    public void The_issue_example_loads_with_every_section_bound()
    {
        var result = ConfigFixtures.Parse(Site);

        result.Succeeded.ShouldBeTrue(ConfigFixtures.Lines(result));
        var config = result.Config!;
        var django = config.Recipes.Django.ShouldNotBeNull();
        django.SystemSitePackages.ShouldBeTrue();
        django.Requirements.ShouldBe("requirements.txt");
        django.Settings.ShouldBe("mysite.settings");
        django.MigrateRoles.ShouldBe(["db"]);
        config.Supervisor.Kind.ShouldBe(SupervisorKind.Slipway);
        config.Processes.Single(p => p.Name == "web").Rolling.ShouldBeTrue();
        config.Processes.Single(p => p.Name == "worker").NumProcs.ShouldBe(2);
        var health = config.Health.ShouldHaveSingleItem();
        health.Timeout.ShouldBe(TimeSpan.FromSeconds(10));
        health.StartPeriod.ShouldBe(TimeSpan.FromSeconds(45));
        var promote = config.Promotions.ShouldHaveSingleItem();
        (promote.From, promote.To, promote.MinAge).ShouldBe(("staging", "production", TimeSpan.FromDays(7)));
    }

    [Fact]
    public void Host_variables_stay_in_templates_until_expanded_per_host()
    {
        var config = ConfigFixtures.Parse(Site).Config!;
        var web = config.Processes.Single(p => p.Name == "web");
        var hosts = config.FindStage("production")!.Hosts;

        web.Command.ShouldBe("gunicorn mysite.wsgi --bind 127.0.0.1:${http_port}");
        HostVars.Expand(web.Command, hosts[0]).ShouldBe("gunicorn mysite.wsgi --bind 127.0.0.1:8000");
        HostVars.Expand(config.Health[0].Http!, hosts[1]).ShouldBe("http://127.0.0.1:8001/");
    }

    [Fact]
    public void Environment_variables_still_expand_in_templates_and_an_escaped_reference_is_left_for_the_shell()
    {
        var yaml = ConfigFixtures.Minimal.Replace("roles: [web, db] }", "roles: [web, db], vars: { port: 9 } }", StringComparison.Ordinal) + """
            processes:
              web: { command: "run --user ${DEPLOY_USER} --port ${port} --home $${HOME}" }

            """;

        var result = ConfigFixtures.Parse(yaml, name => name == "DEPLOY_USER" ? "alice" : null);

        result.Succeeded.ShouldBeTrue(ConfigFixtures.Lines(result));
        var host = result.Config!.Stages[0].Hosts[0];
        HostVars.Expand(result.Config.Processes[0].Command, host).ShouldBe("run --user alice --port 9 --home ${HOME}");
    }

    [Fact]
    public void A_host_without_a_variable_its_process_uses_is_an_error_naming_host_and_variable()
    {
        var yaml = Site.Replace("{ host: web2, roles: [web, worker], vars: { http_port: 8001 } }", "{ host: web2, roles: [web, worker] }", StringComparison.Ordinal);

        var result = ConfigFixtures.Parse(yaml);

        result.Succeeded.ShouldBeFalse();
        var messages = result.Diagnostics.Select(d => $"{d.KeyPath}: {d.Message}").ToList();
        messages.ShouldContain("processes.web: uses ${http_port}, but production/web2 has no 'http_port' in its vars (or write ${http_port:-default})");
        messages.ShouldContain("health.web: uses ${http_port}, but production/web2 has no 'http_port' in its vars (or write ${http_port:-default})");
    }

    [Theory]
    [InlineData("health:\n  web: { http: \"http://x/\", tcp: \"x:1\" }\n", "health.web", "has http and tcp; a check is exactly one of http, tcp or command")]
    [InlineData("health:\n  web: { expect: 200 }\n", "health.web", "needs one of http, tcp or command")]
    [InlineData("health:\n  web: { http: \"http://x/\", timeout: soon }\n", "health.web.timeout", "must be a duration such as 500ms, 10s, 5m, 2h or 7d, got \"soon\"")]
    [InlineData("supervisor: runit\n", "supervisor", "must be one of slipway, supervisord")]
    [InlineData("supervisor: { kind: supervisord, socket: run/s.sock }\n", "supervisor.socket", "must be an absolute path on the hosts, got \"run/s.sock\"")]
    [InlineData("promote: { from: staging, to: production }\n", "promote", "stage 'staging' is not defined; stages: production")]
    [InlineData("recipes:\n  django: { python: python3 }\n", "recipes.django.python", "must be an absolute path to an interpreter such as /usr/bin/python3, got \"python3\"")]
    [InlineData("recipes:\n  django: { static_dir: ../static }\n", "recipes.django.static_dir", "\"../static\" leads outside deploy_to; linked paths must stay inside shared/")]
    [InlineData("recipes:\n  rails: {}\n", "recipes.rails", "")]
    public void Bad_sections_are_errors_at_their_key(string section, string keyPath, string message)
    {
        var result = ConfigFixtures.Parse(ConfigFixtures.Minimal + section);

        result.Succeeded.ShouldBeFalse();
        var error = result.Diagnostics.First(d => d.Severity == DiagnosticSeverity.Error);
        error.KeyPath.ShouldBe(keyPath);
        if (message.Length > 0)
        {
            error.Message.ShouldStartWith(message);
        }
    }

    [Fact]
    public void Django_true_turns_the_recipe_on_with_defaults()
    {
        var result = ConfigFixtures.Parse(ConfigFixtures.Minimal + "recipes:\n  django: true\n");

        result.Succeeded.ShouldBeTrue(ConfigFixtures.Lines(result));
        var django = result.Config!.Recipes.Django.ShouldNotBeNull();
        (django.Python, django.Migrate, django.CollectStatic, django.StaticDir).ShouldBe(("/usr/bin/python3", true, true, "static"));
    }
}
