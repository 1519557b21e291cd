using Slipway.Testing;

namespace Slipway.Recipes.Tests;

public sealed class ProgramRendererTests
{
    [Fact]
    public void Programs_file_for_a_host_with_web_and_worker_is_golden()
    {
        var config = Sites.Parse(Sites.Django);

        Golden.Verify(ProgramRenderer.Render(config, Sites.Host(config, "web2")), "recipes", "programs-web2");
    }

    [Fact]
    public void Without_the_django_recipe_commands_and_environment_are_left_as_written()
    {
        var config = Sites.Parse("""
            application: plain
            deploy_to: /srv/plain
            processes:
              web: { command: "/usr/bin/python3 -m http.server ${port}", directory: public, numprocs: 3, user: www-data }
            stages: { production: { hosts: [ { host: a, vars: { port: 9000 } } ] } }

            """);

        var text = ProgramRenderer.Render(config, config.Stages[0].Hosts[0]);

        text.ShouldContain("command=/usr/bin/python3 -m http.server 9000\n");
        text.ShouldContain("process_name=%(program_name)s_%(process_num)02d\nnumprocs=3\n");
        text.ShouldContain("directory=/srv/plain/current/public\n");
        text.ShouldContain("user=www-data\n");
        text.ShouldNotContain("environment=");
    }

    [Fact]
    public void A_host_without_the_roles_of_any_process_gets_an_empty_file_and_only_cleans_up()
    {
        var config = Sites.Parse(Sites.Django.Replace("roles: [web, db], vars", "roles: [db], vars", StringComparison.Ordinal));
        var host = Sites.Host(config, "web1");

        ProgramRenderer.ProcessesFor(config, host).ShouldBeEmpty();
        ProgramRenderer.Render(config, host).ShouldNotContain("[program:");
        SupervisorSteps.Update(config, host).Text.ShouldStartWith("if [ -e /srv/mysite/slipway/programs.conf ]; then");
    }

    [Fact]
    public void Real_supervisord_gets_the_debian_socket_and_an_include_file_named_after_the_site()
    {
        var config = Sites.Parse(Sites.Django.Replace("health:", "supervisor: supervisord\nhealth:", StringComparison.Ordinal));
        var host = Sites.Host(config, "web1");

        HostLayout.Socket(config, host).ShouldBe("/var/run/supervisor.sock");
        HostLayout.ProgramsFile(config, host).ShouldBe("/etc/supervisor/conf.d/mysite.conf");
    }
}
