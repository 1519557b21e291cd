using Slipway.Core.Config;

namespace Slipway.Core.Tests.Config;

/// <summary>monitor.alerts and monitor.deploy_window: typed, with line, column and key for every mistake, and secrets hidden by config show.</summary>
public sealed class MonitorAlertsConfigTests
{
    private const string Hosts = """
        application: mysite
        deploy_to: /srv/mysite
        stages:
          production:
            hosts:
              - { host: web1, roles: [web] }

        """;

    [Fact]
    public void Every_channel_binds_with_its_settings_and_the_section_defaults()
    {
        var result = ConfigFixtures.Parse(Hosts + """
            monitor:
              deploy_window: 15m
              alerts:
                renotify_interval: 1h
                attempts: 3
                mail:
                  smtp: mail.example.com:587
                  smtp_user: monitor
                  smtp_password: s3cret
                  starttls: true
                  from: monitor@example.com
                  to: [ops@example.com, dev@example.com]
                webhook:
                  url: https://hooks.example.com/services/T000/B000/XXXX
                command:
                  command: /usr/local/bin/page-oncall --team web
            """);

        result.Diagnostics.ShouldBeEmpty(ConfigFixtures.Lines(result));
        var monitor = result.Config!.Monitor!;
        monitor.DeployWindow.ShouldBe(TimeSpan.FromMinutes(15));
        var alerts = monitor.Alerts;
        (alerts.RenotifyInterval, alerts.Attempts, alerts.RetryDelay).ShouldBe((TimeSpan.FromHours(1), 3, TimeSpan.FromSeconds(10)));
        var mail = alerts.Mail.ShouldNotBeNull();
        (mail.Host, mail.Port, mail.User, mail.StartTls, mail.From).ShouldBe(("mail.example.com", 587, "monitor", true, "monitor@example.com"));
        mail.To.ShouldBe(["ops@example.com", "dev@example.com"]);
        mail.ResolvePassword(_ => null).ShouldBe("s3cret");
        mail.ResolvePassword(name => name == "SLIPWAY_SMTP_PASSWORD" ? "from-env" : null).ShouldBe("from-env", "the environment wins, as for the logs digest");
        mail.ResolvePassword(_ => "").ShouldBe("s3cret", "an empty variable is an unset one");
        SmtpConfig.ResolvePassword("digest-file", _ => "").ShouldBe("digest-file", "logs.digest follows the same rule");
        SmtpConfig.ResolvePassword("digest-file", _ => "from-env").ShouldBe("from-env");
        alerts.Webhook.ShouldNotBeNull().Timeout.ShouldBe(TimeSpan.FromSeconds(10));
        var command = alerts.Command.ShouldNotBeNull();
        (command.Command, command.Shell, command.Timeout).ShouldBe(("/usr/local/bin/page-oncall --team web", false, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Without_alerts_nothing_is_sent_and_problems_are_told_again_every_30_minutes_once_a_channel_exists()
    {
        var monitor = ConfigFixtures.Parse(Hosts + "monitor:\n  checks:\n    a: { command: x }\n").Config!.Monitor!;

        monitor.Alerts.HasChannel.ShouldBeFalse();
        monitor.Alerts.RenotifyInterval.ShouldBe(TimeSpan.FromMinutes(30));
        monitor.DeployWindow.ShouldBe(TimeSpan.FromMinutes(30));
    }

    [Theory]
    [InlineData("monitor:\n  alerts:\n    mail: { to: ops@example.com }\n", "slipway.yml:9:11: error: monitor.alerts.mail.smtp: required key is missing (HOST:PORT, such as 127.0.0.1:25)")]
    [InlineData("monitor:\n  alerts:\n    mail: { smtp: \"mail:x\", to: ops@example.com }\n", "slipway.yml:9:19: error: monitor.alerts.mail.smtp: must be HOST:PORT (or HOST for port 25), got \"mail:x\"")]
    [InlineData("monitor:\n  alerts:\n    mail: { smtp: mail:25 }\n", "monitor.alerts.mail.to: required key is missing (one address or a list of them)")]
    [InlineData("monitor:\n  alerts:\n    mail: { smtp: mail:25, to: [ops] }\n", "monitor.alerts.mail.to: \"ops\" is not a mail address")]
    [InlineData("monitor:\n  alerts:\n    mail: { smtp: mail:25, to: ops@x, smtp_pasword: x }\n", "monitor.alerts.mail.smtp_pasword: unknown key; did you mean 'smtp_password'?")]
    [InlineData("monitor:\n  alerts:\n    webhook: { url: ftp://x/ }\n", "slipway.yml:9:21: error: monitor.alerts.webhook.url: must be an http:// or https:// URL, got \"ftp://x/\"")]
    [InlineData("monitor:\n  alerts:\n    command: {}\n", "monitor.alerts.command.command: required key is missing")]
    [InlineData("monitor:\n  alerts:\n    attempts: 0\n", "monitor.alerts.attempts: must be an integer from 1 to 100")]
    [InlineData("monitor:\n  alerts:\n    retry_delay: 0s\n", "monitor.alerts.retry_delay: must be greater than 0")]
    [InlineData("monitor:\n  alerts:\n    renotify_intervall: 1h\n", "monitor.alerts.renotify_intervall: unknown key; did you mean 'renotify_interval'?")]
    [InlineData("monitor:\n  deploy_window: soon\n", "monitor.deploy_window: ")]
    public void Mistakes_are_reported_with_line_column_and_key(string section, string expected)
    {
        var result = ConfigFixtures.Parse(Hosts + section);

        result.Succeeded.ShouldBeFalse();
        ConfigFixtures.Lines(result).ShouldContain(expected);
        result.Diagnostics.ShouldAllBe(d => d.Location.Line > 7 && d.Location.Column > 0, "every problem points into the monitor: section");
    }

    [Fact]
    public void Config_show_hides_the_smtp_password_and_the_webhook_path()
    {
        var config = ConfigFixtures.Parse(Hosts + """
            monitor:
              alerts:
                mail: { smtp: mail.example.com, smtp_password: s3cret, to: ops@example.com }
                webhook: { url: "https://hooks.example.com/services/T000/B000/XXXX" }
            """).Config!;

        var yaml = ConfigPrinter.ToYaml(config, config.Stages[0]);

        yaml.ShouldNotContain("s3cret");
        yaml.ShouldNotContain("T000");
        yaml.ShouldContain("smtp_password: \"***\"");
        yaml.ShouldContain("https://hooks.example.com/***");
    }
}
