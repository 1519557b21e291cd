using Slipway.Core.Config;
using Slipway.Recipes.Setup;

namespace Slipway.Recipes.Tests.Setup;

public sealed class SetupPlanTests
{
    private static SlipwayConfig Config(SupervisorConfig? supervisor = null) => new()
    {
        SourceFile = "/tmp/slipway.yml",
        Application = "shop",
        DeployTo = "/srv/shop",
        LinkedDirs = ["media", "public/uploads"],
        LinkedFiles = ["config/.env"],
        Stages = [],
        Supervisor = supervisor ?? new SupervisorConfig(),
    };

    [Fact]
    public void A_templated_linked_file_is_planned_with_this_hosts_variables_and_is_no_longer_a_missing_file_note()
    {
        var config = Config() with
        {
            LinkedFiles = ["config/.env", "config/site.ini"],
            Templates = [new SharedFileTemplate { Path = "config/.env", Content = "PORT=${http_port}\n", Mode = SharedFileTemplate.SecretMode }],
        };

        var plan = SetupPlan.For(config, new HostConfig { Host = "web2", Vars = new Dictionary<string, string> { ["http_port"] = "8001" } });

        plan.Templates.ShouldBe([new SetupTemplate("/srv/shop/shared/config/.env", "PORT=8001\n", SharedFileTemplate.SecretMode)]);
        plan.LinkedFiles.ShouldBe(["/srv/shop/shared/config/site.ini"]);
    }

    [Fact]
    public void Slipway_kind_gets_the_contract_layout_under_the_hosts_own_deploy_to()
    {
        var plan = SetupPlan.For(Config(), new HostConfig { Host = "web1", DeployTo = "/srv/other/" });

        plan.Directories.ShouldBe([
            "/srv/other", "/srv/other/releases", "/srv/other/shared", "/srv/other/slipway", "/srv/other/slipway/bin", "/srv/other/slipway/log",
            "/srv/other/shared/media", "/srv/other/shared/public/uploads", "/srv/other/shared/config",
        ]);
        plan.LinkedFiles.ShouldBe(["/srv/other/shared/config/.env"]);
        plan.BinaryPath.ShouldBe("/srv/other/slipway/bin/slipway");
        plan.Socket.ShouldBe("/srv/other/slipway/supervisor.sock");
        plan.ProgramsFile.ShouldBe("/srv/other/slipway/programs.conf");
        plan.SupervisordConf.ShouldBe("""
            ; Written by slipway setup: edits are replaced on the next run.
            [unix_http_server]
            file=/srv/other/slipway/supervisor.sock
            chmod=0700

            [supervisord]
            logfile=/srv/other/slipway/log/supervisord.log
            pidfile=/srv/other/slipway/supervisord.pid
            childlogdir=/srv/other/slipway/log

            [rpcinterface:supervisor]
            supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

            [supervisorctl]
            serverurl=unix:///srv/other/slipway/supervisor.sock

            [include]
            files=/srv/other/slipway/programs.conf

            """);
    }

    [Fact]
    public void Supervisord_kind_uses_debians_socket_and_conf_d_and_writes_no_daemon_config()
    {
        var plan = SetupPlan.For(Config(new SupervisorConfig { Kind = SupervisorKind.Supervisord }), new HostConfig { Host = "web1" });

        plan.Socket.ShouldBe("/var/run/supervisor.sock");
        plan.ProgramsFile.ShouldBe("/etc/supervisor/conf.d/shop.conf");
        plan.SupervisordConf.ShouldBeNull();
    }

    [Fact]
    public void Relative_socket_and_programs_file_are_under_deploy_to_and_percent_is_escaped()
    {
        var plan = SetupPlan.For(Config(new SupervisorConfig { Socket = "run/sv%1.sock", ProgramsFile = "slipway/p.conf" }), new HostConfig { Host = "web1" });

        plan.Socket.ShouldBe("/srv/shop/run/sv%1.sock");
        plan.ProgramsFile.ShouldBe("/srv/shop/slipway/p.conf");
        plan.SupervisordConf!.ShouldContain("file=/srv/shop/run/sv%%1.sock\n");
    }

    [Fact]
    public void The_development_launcher_quotes_its_command() =>
        SetupPlan.RenderLauncher(["/opt/my build/slipway"]).ShouldBe(
            "#!/bin/sh\n# Written by slipway setup: runs the development build on this machine.\nexec '/opt/my build/slipway' \"$@\"\n");
}
