using Slipway.Core.Config;

namespace Slipway.Core.Tests.Config;

/// <summary><c>monitor.flapping</c> (section and check) and <c>monitor.db</c>: bound, inherited, and their mistakes at line, column and key.</summary>
public sealed class MonitorFlappingAndDbConfigTests
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
    public void Flapping_thresholds_bind_for_the_section_and_each_check_overrides_them_key_by_key()
    {
        var result = ConfigFixtures.Parse(Hosts + """
            monitor:
              flapping:
                low_threshold: 10
                high_threshold: 30.5
              checks:
                plain: { command: /bin/true }
                own:
                  command: /bin/true
                  flapping: { high_threshold: 50 }
                off:
                  type: load
                  flapping: { enabled: false }
            """);

        result.Diagnostics.ShouldBeEmpty(ConfigFixtures.Lines(result));
        var monitor = result.Config!.Monitor!;
        monitor.Flapping.ShouldBe(new MonitorFlappingConfig { Enabled = true, LowThreshold = 10, HighThreshold = 30.5 });
        monitor.Checks[0].Flapping.ShouldBe(monitor.Flapping, "a check without flapping: takes the section's");
        monitor.Checks[1].Flapping.ShouldBe(new MonitorFlappingConfig { Enabled = true, LowThreshold = 10, HighThreshold = 50 });
        monitor.Checks[2].Flapping.Enabled.ShouldBeFalse();
        monitor.Checks[2].Flapping.HighThreshold.ShouldBe(30.5);
    }

    [Fact]
    public void Without_flapping_the_defaults_are_nagioss()
    {
        var monitor = ConfigFixtures.Parse(Hosts + "monitor:\n  checks:\n    a: { command: /bin/true }\n").Config!.Monitor!;

        monitor.Checks[0].Flapping.ShouldBe(new MonitorFlappingConfig { Enabled = true, LowThreshold = 5, HighThreshold = 20 });
        monitor.Db.ShouldBeNull();
    }

    [Theory]
    [InlineData("monitor:\n  flapping: { low_threshold: 30 }\n",
        "slipway.yml:8:30: error: monitor.flapping.low_threshold: low_threshold (30) must be below high_threshold (20): flapping starts at the high one and stops at the low one")]
    [InlineData("monitor:\n  flapping:\n    high_threshold: 120\n", "slipway.yml:9:21: error: monitor.flapping.high_threshold: must be a percent from 0 to 100 such as 20, got \"120\"")]
    [InlineData("monitor:\n  flapping: { low: 3 }\n", "slipway.yml:8:15: error: monitor.flapping.low: unknown key")]
    [InlineData("monitor:\n  flapping: 20\n", "monitor.flapping: must be a mapping")]
    [InlineData("monitor:\n  checks:\n    a:\n      command: x\n      flapping: { high_threshold: 4 }\n",
        "slipway.yml:11:35: error: monitor.checks.a.flapping.high_threshold: low_threshold (5) must be below high_threshold (4)")]
    [InlineData("monitor:\n  checks:\n    a: { command: x, flapping: { enabled: maybe } }\n", "monitor.checks.a.flapping.enabled: must be true or false")]
    [InlineData("monitor:\n  db: redis://cache/0\n", "slipway.yml:8:7: error: monitor.db: 'redis://' is not a history database: use a path, sqlite:///path, mysql://user:pass@host/db or postgres://user:pass@host/db")]
    [InlineData("monitor:\n  db: postgres://u:secret@db1/\n", "slipway.yml:8:7: error: monitor.db: The database URL 'postgres://u:***@db1/' names no database")]
    [InlineData("monitor:\n  db: sqlite://relative.db\n", "monitor.db: a SQLite URL is sqlite:///absolute/path.db")]
    [InlineData("monitor:\n  db: \"\"\n", "monitor.db: must not be empty")]
    public void Mistakes_are_reported_with_line_column_and_key(string section, string expected)
    {
        var result = ConfigFixtures.Parse(Hosts + section);

        result.Succeeded.ShouldBeFalse();
        ConfigFixtures.Lines(result).ShouldContain(expected);
        ConfigFixtures.Lines(result).ShouldNotContain("secret");
    }

    [Theory]
    [InlineData("mysql://monitor:pw@db1:3306/slipway")]
    [InlineData("postgresql://monitor@db1/slipway")]
    [InlineData("sqlite:///var/lib/slipway/monitor.db")]
    public void A_database_url_is_kept_as_written(string url)
    {
        var result = ConfigFixtures.Parse(Hosts + $"monitor:\n  db: \"{url}\"\n");

        result.Diagnostics.ShouldBeEmpty(ConfigFixtures.Lines(result));
        result.Config!.Monitor!.Db.ShouldBe(url);
    }

    [Fact]
    public void A_relative_path_is_taken_from_slipway_yml_s_directory_so_every_reader_finds_the_same_file()
    {
        var dir = Path.Combine(Path.GetTempPath(), "slipway-site");
        var result = ConfigLoader.Parse(Hosts + "monitor:\n  db: history/monitor.db\n", Path.Combine(dir, "slipway.yml"), ConfigFixtures.NoEnvironment);

        result.Config!.Monitor!.Db.ShouldBe(Path.Combine(dir, "history", "monitor.db"));
    }

    [Fact]
    public void Config_show_prints_the_thresholds_and_the_database_without_its_password()
    {
        var config = ConfigFixtures.Parse(Hosts + "monitor:\n  db: postgres://monitor:s3cret@db1/slipway\n  flapping: { high_threshold: 25 }\n  checks:\n    a: { command: x }\n").Config!;

        var yaml = ConfigPrinter.ToYaml(config, config.Stages[0]);

        yaml.ShouldContain("  flapping:\n    enabled: true\n    low_threshold: 5\n    high_threshold: 25\n");
        yaml.ShouldContain("postgres://monitor:***@db1/slipway");
        yaml.ShouldNotContain("s3cret");
    }
}
