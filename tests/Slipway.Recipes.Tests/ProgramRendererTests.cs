using Slipway.Core.Layout;
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
    public void On_a_shared_supervisord_program_names_carry_the_application_and_slipways_own_daemon_keeps_them_plain()
    {
        var shared = Sites.Parse(Sites.Django.Replace("health:", "supervisor: supervisord\nhealth:", StringComparison.Ordinal));
        var own = Sites.Parse(Sites.Django);
        var host = Sites.Host(shared, "web2");

        ProgramRenderer.Render(shared, host).ShouldContain("[program:mysite-web]\n");
        ProgramRenderer.Render(shared, host).ShouldContain("[program:mysite-worker]\n");
        SupervisorSteps.Update(shared, host).Text.ShouldContain("--restart mysite-web --restart mysite-worker");
        ProgramRenderer.Render(own, Sites.Host(own, "web2")).ShouldContain("[program:web]\n");
        SupervisorSteps.Update(own, Sites.Host(own, "web2")).Text.ShouldContain("--restart web --restart worker");

        ProgramRenderer.ToSupervisorName(shared, "web").ShouldBe("mysite-web");
        ProgramRenderer.ToSupervisorName(shared, "worker:*").ShouldBe("mysite-worker:*");
        ProgramRenderer.ToSupervisorName(shared, "worker:worker_01").ShouldBe("mysite-worker:mysite-worker_01");
        ProgramRenderer.ToSupervisorName(shared, "mysite-web").ShouldBe("mysite-web");
        ProgramRenderer.ToSupervisorName(shared, "othersite-web").ShouldBe("othersite-web");
        ProgramRenderer.ToSupervisorName(own, "web").ShouldBe("web");
    }

    [Fact]
    public void Real_supervisord_gets_the_debian_socket_and_an_include_file_named_after_the_site()
    {
        var config = Sites.Parse(Sites.Django.Replace("health:", "supervisor: supervisord\nhealth:", StringComparison.Ordinal));
        var host = Sites.Host(config, "web1");

        HostLayout.For(config, host).Socket(config.Supervisor).ShouldBe("/var/run/supervisor.sock");
        HostLayout.For(config, host).ProgramsFile(config.Supervisor, config.Application).ShouldBe("/etc/supervisor/conf.d/mysite.conf");
    }
}
