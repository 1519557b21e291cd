using Slipway.Core.Config;

namespace Slipway.Core.Tests.Config;

/// <summary>The queue: section is bound and checked like every other: types, ranges, unknown keys, line, column and key path.</summary>
public sealed class QueueConfigTests
{
    [Fact]
    public void A_full_queue_section_binds_to_typed_values()
    {
        var result = ConfigFixtures.Parse(ConfigFixtures.Minimal + """
            queue:
              url: postgres://jobs:pw@db1:5432/jobs
              lease: 1m
              retry: { max_attempts: 3, base_delay: 1s, max_delay: 1m, jitter: 0.1 }
              retention: { succeeded: 2h, succeeded_per_queue: 50, dead: 7d, dead_per_queue: 0 }
              limits: { thumbs: 4, "mail.out": 1 }
              worker: { concurrency: 8, timeout: 0, stop_grace: 5s, poll: 250ms }
              http: 0.0.0.0:9000
              token: abc123
            """);

        result.Diagnostics.ShouldBeEmpty(ConfigFixtures.Lines(result));
        var queue = result.Config!.Queue!;
        queue.Url.ShouldBe("postgres://jobs:pw@db1:5432/jobs");
        queue.UrlIsDefault.ShouldBeFalse();
        queue.Lease.ShouldBe(TimeSpan.FromMinutes(1));
        queue.Retry.ShouldBe(new QueueRetryConfig { MaxAttempts = 3, BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromMinutes(1), Jitter = 0.1 });
        queue.Retention.ShouldBe(new QueueRetentionConfig { Succeeded = TimeSpan.FromHours(2), SucceededPerQueue = 50, Dead = TimeSpan.FromDays(7), DeadPerQueue = 0 });
        queue.Limits.Select(l => (l.Queue, l.Limit)).ShouldBe([("thumbs", 4), ("mail.out", 1)]);
        queue.Worker.ShouldBe(new QueueWorkerConfig { Concurrency = 8, Timeout = null, StopGrace = TimeSpan.FromSeconds(5), Poll = TimeSpan.FromMilliseconds(250) });
        queue.Http.ShouldBe("0.0.0.0:9000");
        queue.Token.ShouldBe("abc123");
    }

    [Fact]
    public void Without_a_url_the_queue_is_a_sqlite_file_in_the_state_directory_next_to_slipway_yml()
    {
        var result = ConfigFixtures.Parse(ConfigFixtures.Minimal + "queue:\n  lease: 10s\n");

        var queue = result.Config!.Queue!;
        queue.UrlIsDefault.ShouldBeTrue();
        queue.Url.ShouldBe("sqlite://" + Path.GetFullPath(Path.Combine(".slipway", "queue.db")));
        QueueConfig.DefaultFor("slipway.yml").Url.ShouldBe(queue.Url);
    }

    [Theory]
    [InlineData("sqlite:jobs/queue.db")]
    [InlineData("sqlite://jobs/queue.db")]
    [InlineData("jobs/queue.db")]
    public void A_relative_sqlite_path_is_relative_to_slipway_yml(string url)
    {
        var result = ConfigFixtures.Parse(ConfigFixtures.Minimal + $"queue:\n  url: {url}\n");

        result.Config!.Queue!.Url.ShouldBe("sqlite://" + Path.GetFullPath(Path.Combine("jobs", "queue.db")));
    }

    [Fact]
    public void An_absolute_sqlite_url_is_kept()
    {
        var result = ConfigFixtures.Parse(ConfigFixtures.Minimal + "queue:\n  url: sqlite:///srv/app/shared/queue.db\n");

        result.Config!.Queue!.Url.ShouldBe("sqlite:///srv/app/shared/queue.db");
    }

    [Fact]
    public void A_file_without_the_section_has_none() =>
        ConfigFixtures.Parse(ConfigFixtures.Minimal).Config!.Queue.ShouldBeNull();

    [Theory]
    [InlineData("queue:\n  leas: 30s\n", ":8:3: error: queue.leas: unknown key; did you mean 'lease'?")]
    [InlineData("queue:\n  lease: soon\n", ":8:10: error: queue.lease: must be a duration")]
    [InlineData("queue:\n  lease: 0\n", ":8:10: error: queue.lease: must be more than 0")]
    [InlineData("queue:\n  url: 'sqlite://'\n", ":8:8: error: queue.url: names no file")]
    [InlineData("queue:\n  retry: { max_attempts: 0 }\n", "error: queue.retry.max_attempts: must be an integer from 1 to 1000, got 0")]
    [InlineData("queue:\n  retry: { jitter: 2 }\n", "error: queue.retry.jitter: must be a number from 0 to 1")]
    [InlineData("queue:\n  retry: { base_delay: 1m, max_delay: 10s }\n", "error: queue.retry.max_delay: must be at least base_delay (1m), got 10s")]
    [InlineData("queue:\n  retention: { dead: forever }\n", "error: queue.retention.dead: must be a duration")]
    [InlineData("queue:\n  limits: { thumbs: many }\n", "error: queue.limits.thumbs: must be an integer from 1 to 100000")]
    [InlineData("queue:\n  limits: [thumbs]\n", "error: queue.limits: must be a mapping of queue names")]
    [InlineData("queue:\n  worker: { concurency: 2 }\n", "error: queue.worker.concurency: unknown key; did you mean 'concurrency'?")]
    [InlineData("queue: sqlite:x.db\n", "error: queue: must be a mapping")]
    [InlineData("queue:\n  http: 8515\n", ":8:9: error: queue.http: '8515' is not HOST:PORT (such as 127.0.0.1:8515")]
    [InlineData("queue:\n  http: queue.internal:8515\n", ":8:9: error: queue.http: 'queue.internal' in 'queue.internal:8515' is not an IP address")]
    [InlineData("queue:\n  token: [a]\n", "error: queue.token: must be a string")]
    public void Mistakes_are_reported_with_line_column_and_key(string section, string expected)
    {
        var result = ConfigFixtures.Parse(ConfigFixtures.Minimal + section);

        result.Succeeded.ShouldBeFalse();
        ConfigFixtures.Lines(result).ShouldContain(expected);
        result.Diagnostics.ShouldAllBe(d => d.Location.Line > 5 && d.Location.Column > 0, "every problem points into the queue: section");
    }

    [Fact]
    public void Config_show_prints_the_section_with_defaults_and_no_password()
    {
        var config = ConfigFixtures.Parse(ConfigFixtures.Minimal + "queue:\n  url: postgres://jobs:s3cret@db1/jobs\n  limits: { thumbs: 4 }\n").Config!;

        var yaml = ConfigPrinter.ToYaml(config, config.FindStage("production")!);

        yaml.ShouldContain("queue:\n  url: \"postgres://jobs:***@db1/jobs\"\n  lease: 30s\n  retry:\n    max_attempts: 10\n    base_delay: 10s\n    max_delay: 1h\n    jitter: 0.25\n");
        yaml.ShouldContain("  limits:\n    thumbs: 4\n");
        yaml.ShouldContain("  worker:\n    concurrency: 1\n    timeout: 10m\n    stop_grace: 30s\n    poll: 1s\n");
        yaml.ShouldNotContain("s3cret");
        ConfigPrinter.ToJson(config, config.FindStage("production")!).ShouldContain("\"jitter\": 0.25");
    }
}
