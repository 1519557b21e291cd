using Slipway.Core.Config;

namespace Slipway.Recipes.Tests;

/// <summary>Configurations the recipe tests expand, parsed by the real loader.</summary>
internal static class Sites
{
    public const string Django = """
        application: mysite
        repo_url: /srv/git/mysite.git
        deploy_to: /srv/mysite
        recipes:
          django:
            python: /usr/bin/python3
            system_site_packages: true
            requirements: requirements.txt
            no_index: true
            find_links: /srv/wheels
            settings: mysite.settings
            env_file: django.env
            migrate: { roles: [db] }
            compilemessages: true
        requirements:
          - python_module: PIL
          - command: git
        processes:
          web:
            command: "gunicorn mysite.wsgi --bind 127.0.0.1:${http_port} --access-logformat '%(h)s %(r)s'"
            roles: [web]
            rolling: true
            environment: { GREETING: "say \"hi\", ${http_port}" }
          worker: { command: "python manage.py run_worker", numprocs: 2, roles: [worker], stopsignal: INT }
        health:
          web: { http: "http://127.0.0.1:${http_port}/health", expect: 200, contains: ok, timeout: 5s, retries: 10, interval: 500ms }
          queue: { command: "test -S /tmp/queue-${http_port}.sock", roles: [worker] }
        hooks:
          after_update:
            - run: echo user hook
          after_publish:
            - run: echo published
        stages:
          production:
            hosts:
              - { host: web1, roles: [web, db], vars: { http_port: 8000 } }
              - { host: web2, roles: [web, worker], vars: { http_port: 8001 }, deploy_to: /srv/other }

        """;

    public static SlipwayConfig Parse(string yaml)
    {
        var result = ConfigLoader.Parse(yaml, "/sites/mysite/slipway.yml", _ => null);
        result.Errors.ShouldBeEmpty();
        return result.Config!;
    }

    public static HostConfig Host(SlipwayConfig config, string name) =>
        config.Stages.SelectMany(s => s.Hosts).Single(h => h.Host == name);
}
