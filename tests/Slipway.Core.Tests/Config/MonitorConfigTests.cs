using Slipway.Core.Config;

namespace Slipway.Core.Tests.Config;

/// <summary>The monitor: section is bound like every other: kinds, keys per kind, defaults, line, column and key path.</summary>
public sealed class MonitorConfigTests
{
    private const string Hosts = """
        application: mysite
        deploy_to: /srv/mysite
        stages:
          production:
            hosts:
              - { host: web1, roles: [web], vars: { http_port: "8000" } }
              - { host: db1, roles: [db] }

        """;

    [Fact]
    public void Checks_bind_with_the_section_defaults_and_their_own_settings()
    {
        var result = ConfigFixtures.Parse(Hosts + """
            monitor:
              check_interval: 2m
              max_check_attempts: 5
              checks:
                web_port:
                  command: /usr/lib/nagios/plugins/check_tcp -H 127.0.0.1 -p ${http_port}
                  roles: [web]
                  retry_interval: 10s
                home:
                  type: http
                  url: http://127.0.0.1:${http_port}/
                  expect_status: [200, 301]
                  warning: 0.5
                  hosts: [web1]
                root:
                  type: disk
                  path: /srv
                  critical: 95
            """);

        result.Diagnostics.ShouldBeEmpty(ConfigFixtures.Lines(result));
        var monitor = result.Config!.Monitor!;
        monitor.Checks.Select(c => c.Name).ShouldBe(["web_port", "home", "root"]);
        var port = monitor.Checks[0];
        port.Command.ShouldBe("/usr/lib/nagios/plugins/check_tcp -H 127.0.0.1 -p ${http_port}", "host variables wait for the host");
        (port.CheckInterval, port.RetryInterval, port.MaxCheckAttempts, port.Timeout)
            .ShouldBe((TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(10), 5, TimeSpan.FromSeconds(30)));
        port.Roles.ShouldBe(["web"]);
        var home = monitor.Checks[1];
        (home.Type, home.Warning).ShouldBe(("http", "0.5"));
        home.ExpectStatus.ShouldBe([200, 301]);
        home.Hosts.ShouldBe(["web1"]);
        monitor.Checks[2].Critical.ShouldBe("95");
        var stage = result.Config.Stages[0];
        stage.Hosts.Where(port.AppliesTo).Select(h => h.Host).ShouldBe(["web1"]);
        stage.Hosts.Where(monitor.Checks[2].AppliesTo).Select(h => h.Host).ShouldBe(["web1", "db1"]);
    }

    [Theory]
    [InlineData("monitor:\n  check_intervall: 1m\n", "slipway.yml:9:3: error: monitor.check_intervall: unknown key; did you mean 'check_interval'?")]
    [InlineData("monitor:\n  retry_interval: 0s\n", "slipway.yml:9:19: error: monitor.retry_interval: must be greater than 0")]
    [InlineData("monitor:\n  checks:\n    a: { shell: true }\n", "slipway.yml:10:8: error: monitor.checks.a: needs command (a Nagios plugin command line) or type")]
    [InlineData("monitor:\n  checks:\n    a: { type: tcpp }\n", "slipway.yml:10:16: error: monitor.checks.a.type: must be one of http, tcp, disk, load, supervise, queue, log_errors, release; got \"tcpp\" (did you mean 'tcp'?)")]
    [InlineData("monitor:\n  checks:\n    a: { type: tcp, url: http://x/, port: 1 }\n", "slipway.yml:10:21: error: monitor.checks.a.url: applies to type: http, not to type: tcp")]
    [InlineData("monitor:\n  checks:\n    a: { type: tcp }\n", "monitor.checks.a.port: required key is missing")]
    [InlineData("monitor:\n  checks:\n    a: { type: load, command: x }\n", "monitor.checks.a.type: a check is a plugin command or a built-in type, not both")]
    [InlineData("monitor:\n  checks:\n    a: { command: x, roles: [wbe] }\n", "monitor.checks.a.roles[0]: role 'wbe' is not given to any host")]
    [InlineData("monitor:\n  checks:\n    a: { command: x, hosts: [web9] }\n", "monitor.checks.a.hosts: no stage has a host named 'web9'; hosts: web1, db1")]
    [InlineData("monitor:\n  checks:\n    a: { command: \"x -p ${http_port}\" }\n", "monitor.checks.a: uses ${http_port}, but production/db1 has no 'http_port' in its vars")]
    [InlineData("monitor:\n  checks:\n    A: { command: x }\n", "monitor.checks.A: check names are lowercase letters")]
    [InlineData("monitor:\n  checks:\n    a: { type: http, url: http://x/, expect_status: 700 }\n", "monitor.checks.a.expect_status: must be an integer from 100 to 599")]
    [InlineData("monitor:\n  checks:\n    a: { type: supervise }\n", "monitor.checks.a.program: required key is missing")]
    [InlineData("monitor:\n  checks:\n    a: { type: queue, measure: size }\n", "monitor.checks.a.measure: must be one of depth, oldest_age; got \"size\"")]
    [InlineData("monitor:\n  checks:\n    a: { type: log_errors, window: 0s }\n", "monitor.checks.a.window: must be greater than 0")]
    [InlineData("monitor:\n  checks:\n    a: { type: release, critical: 1 }\n", ", not to type: release")]
    [InlineData("monitor:\n  checks:\n    a: { type: disk, program: web }\n", "monitor.checks.a.program: applies to type: supervise or type: log_errors, not to type: disk")]
    public void Mistakes_are_reported_with_line_column_and_key(string section, string expected)
    {
        var result = ConfigFixtures.Parse(Hosts + section);

        result.Succeeded.ShouldBeFalse();
        ConfigFixtures.Lines(result).ShouldContain(expected);
        result.Diagnostics.ShouldAllBe(d => d.Location.Line > 8 && d.Location.Column > 0, "every problem points into the monitor: section");
    }

    [Fact]
    public void Config_show_prints_every_check_resolved_with_the_hosts_it_runs_on()
    {
        var config = ConfigFixtures.Parse(Hosts + "monitor:\n  checks:\n    web_port: { type: tcp, port: \"${http_port}\", roles: [web] }\n").Config!;

        var yaml = ConfigPrinter.ToYaml(config, config.Stages[0]);

        yaml.ShouldContain("    web_port:\n      type: tcp\n      host: 127.0.0.1\n      port: \"${http_port}\"\n");
        yaml.ShouldContain("check_interval: 5m");
        yaml.ShouldContain("runs_on:\n        - web1\n");
    }

    [Fact]
    public void The_built_ins_that_read_other_parts_bind_their_keys()
    {
        var result = ConfigFixtures.Parse(Hosts + """
            monitor:
              checks:
                web_procs: { type: supervise, program: web, socket: "http://127.0.0.1:9001" }
                jobs: { type: queue, queue: mail, measure: oldest_age, critical: 300 }
                errors: { type: log_errors, window: 10m, program: gunicorn, log_host: web1, warning: 1 }
                live: { type: release, roles: [web] }
            """);

        result.Diagnostics.ShouldBeEmpty(ConfigFixtures.Lines(result));
        var checks = result.Config!.Monitor!.Checks;
        (checks[0].Type, checks[0].Program, checks[0].Socket).ShouldBe(("supervise", "web", "http://127.0.0.1:9001"));
        (checks[1].Queue, checks[1].Measure, checks[1].Critical).ShouldBe(("mail", "oldest_age", "300"));
        (checks[2].Window, checks[2].Program, checks[2].LogHost).ShouldBe((TimeSpan.FromMinutes(10), "gunicorn", "web1"));
        checks[3].Type.ShouldBe("release");
    }
}
