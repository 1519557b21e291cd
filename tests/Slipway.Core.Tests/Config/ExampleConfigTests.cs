using Slipway.Core.Config;

namespace Slipway.Core.Tests.Config;

public sealed class ExampleConfigTests
{
    [Fact]
    public void The_example_loads_with_the_right_values()
    {
        var result = ConfigFixtures.Parse(ConfigFixtures.Example);

        result.Diagnostics.ShouldBeEmpty(ConfigFixtures.Lines(result));
        result.Succeeded.ShouldBeTrue();
        var config = result.Config!;
        config.Application.ShouldBe("mysite");
        config.RepoUrl.ShouldBe("/srv/git/mysite.git");
        config.DeployTo.ShouldBe("/srv/mysite");
        config.KeepReleases.ShouldBe(5);
        config.Branch.ShouldBe("main");
        config.SourceStrategy.ShouldBe("git");
        config.LinkedDirs.ShouldBe(["media", "var/db"]);
        config.LinkedFiles.ShouldBe([".env"]);
        config.Ssh.User.ShouldBe("deploy");
        config.Ssh.IdentityFile.ShouldBe("~/.ssh/id_ed25519");
        config.Ssh.KnownHosts.ShouldBe("~/.ssh/known_hosts");
        config.Ssh.HostKeyPolicy.ShouldBe(HostKeyPolicy.Strict);
        config.Ssh.ConnectTimeout.ShouldBe(TimeSpan.FromSeconds(10));
        config.Ssh.MaxParallel.ShouldBe(20);
        config.Stages.Select(s => s.Name).ShouldBe(["production", "local"]);

        var production = config.FindStage("production")!;
        production.Branch.ShouldBe("main");
        production.Hosts.Count.ShouldBe(2);
        production.Hosts[0].Host.ShouldBe("127.0.0.1");
        production.Hosts[0].Port.ShouldBe(2201);
        production.Hosts[0].Roles.ShouldBe(["web", "db"]);
        production.Hosts[0].User.ShouldBe("deploy", "ssh.user is merged into SSH hosts");
        production.Hosts[0].IdentityFile.ShouldBe("~/.ssh/id_ed25519");
        production.Hosts[0].Location.ShouldBe(new SourceLocation(15, 9));
        production.Hosts[1].Port.ShouldBe(2202);

        var local = config.FindStage("local")!.Hosts.ShouldHaveSingleItem();
        local.Transport.ShouldBe(TransportKind.Local);
        local.User.ShouldBeNull("a local host runs as the current user");
        local.Port.ShouldBeNull();

        config.Hooks.Keys.ShouldBe([HookPoints.AfterUpdate, HookPoints.AfterPublish]);
        var migrate = config.Hooks[HookPoints.AfterUpdate].ShouldHaveSingleItem();
        migrate.Run.ShouldBe("python3 manage.py migrate --noinput");
        migrate.Roles.ShouldBe(["db"]);
        migrate.Once.ShouldBeTrue();
        config.Hooks[HookPoints.AfterPublish][0].Once.ShouldBeFalse();
    }

    [Fact]
    public void Host_settings_override_the_ssh_defaults()
    {
        var yaml = ConfigFixtures.Minimal.Replace("{ host: web1.example.com, roles: [web, db] }",
            "{ host: web1.example.com, user: admin, identity_file: ~/.ssh/other }", StringComparison.Ordinal)
            + "ssh: { user: deploy, identity_file: ~/.ssh/id }\n";

        var host = ConfigFixtures.Parse(yaml).Config!.Stages[0].Hosts[0];

        host.User.ShouldBe("admin");
        host.IdentityFile.ShouldBe("~/.ssh/other");
    }

    [Fact]
    public void Optional_sections_bind_with_defaults()
    {
        var yaml = ConfigFixtures.Minimal + """
            source_strategy: upload
            branch: develop
            ssh:
              host_key_policy: accept-new
              connect_timeout: 30
              command_timeout: 600
              max_parallel: 4
              control_persist: 60
              config_file: ~/.ssh/slipway_config
            requirements:
              - { command: git }
              - { deb: libjpeg-dev, roles: [web] }
              - { python_module: PIL }
              - { file: /etc/hosts }
              - { dir: /srv }
              - { writable: /srv/mysite }
              - { free_disk: "2G", path: /srv }
              - { free_disk: 500M }
            processes:
              web:
                command: gunicorn mysite.wsgi
                environment: { DJANGO_SETTINGS_MODULE: mysite.settings, EMPTY: }
                roles: [web]
              worker: { command: python3 worker.py, numprocs: 2, autorestart: true, autostart: false, stopsignal: INT }
            hooks:
              failed: [ "echo failed" ]
            queue: { lease: 45s }

            """;

        var result = ConfigFixtures.Parse(yaml);

        result.Diagnostics.ShouldBeEmpty(ConfigFixtures.Lines(result));
        var config = result.Config!;
        config.SourceStrategy.ShouldBe("upload");
        config.Stages[0].Branch.ShouldBe("develop", "a stage without branch follows the top-level branch");
        config.Ssh.HostKeyPolicy.ShouldBe(HostKeyPolicy.AcceptNew);
        config.Ssh.ConnectTimeout.ShouldBe(TimeSpan.FromSeconds(30));
        config.Ssh.CommandTimeout.ShouldBe(TimeSpan.FromMinutes(10));
        config.Ssh.MaxParallel.ShouldBe(4);
        config.Ssh.ControlPersist.ShouldBe(TimeSpan.FromMinutes(1));
        config.Ssh.ConfigFile.ShouldBe("~/.ssh/slipway_config");
        config.Requirements.Select(r => r.Kind).ShouldBe([
            RequirementKind.Command, RequirementKind.DebianPackage, RequirementKind.PythonModule, RequirementKind.File,
            RequirementKind.Directory, RequirementKind.Writable, RequirementKind.FreeDisk, RequirementKind.FreeDisk]);
        config.Requirements[1].Roles.ShouldBe(["web"]);
        config.Requirements[6].Target.ShouldBe("/srv");
        config.Requirements[6].MinimumBytes.ShouldBe(2L * 1024 * 1024 * 1024);
        config.Requirements[7].Target.ShouldBe("/srv/mysite", "free_disk without path checks deploy_to");
        config.Processes.Select(p => p.Name).ShouldBe(["web", "worker"]);
        config.Processes[0].Environment["DJANGO_SETTINGS_MODULE"].ShouldBe("mysite.settings");
        config.Processes[0].Environment["EMPTY"].ShouldBe("");
        config.Processes[0].AutoRestart.ShouldBe("unexpected");
        config.Processes[1].NumProcs.ShouldBe(2);
        config.Processes[1].AutoRestart.ShouldBe("true");
        config.Processes[1].AutoStart.ShouldBeFalse();
        config.Processes[1].StopSignal.ShouldBe("INT");
        config.Hooks[HookPoints.Failed].ShouldHaveSingleItem().Run.ShouldBe("echo failed");
        config.Queue!.Lease.ShouldBe(TimeSpan.FromSeconds(45));
        config.Extensions.ShouldBeEmpty(); // every section is typed now (queue, monitor, build)
    }
}
