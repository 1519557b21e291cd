namespace Slipway.Core.Tests.Config;

/// <summary>The logs: section is bound and checked like every other: types, unknown keys, line, column and key path.</summary>
public sealed class LogsConfigTests
{
    [Fact]
    public void A_full_logs_section_binds_to_typed_values()
    {
        var result = ConfigFixtures.Parse(ConfigFixtures.Minimal + """
            logs:
              db: /var/lib/slipway/logs.db
              http: 127.0.0.1:8514
              retention_days: 30
              deploy_history: /srv/history.jsonl
              watch_after_deploy: 10m
              users:
                alice: "pbkdf2-sha256$1$x$y"
                bob: { password_hash: "h", role: admin }
              digest:
                smtp: 127.0.0.1:25
                to: ops@example.com
                since: 2d
                top: 5
                starttls: true
            """);

        result.Diagnostics.ShouldBeEmpty(ConfigFixtures.Lines(result));
        var logs = result.Config!.Logs!;
        logs.Db.ShouldBe("/var/lib/slipway/logs.db");
        logs.RetentionDays.ShouldBe(30);
        logs.DeployHistory.ShouldBe("/srv/history.jsonl");
        logs.WatchAfterDeploy.ShouldBe(TimeSpan.FromMinutes(10));
        logs.Users.Select(u => (u.Name, u.Admin)).ShouldBe([("alice", false), ("bob", true)]);
        logs.Digest.To.ShouldBe(["ops@example.com"]);
        logs.Digest.Since.ShouldBe(TimeSpan.FromDays(2));
        logs.Digest.Top.ShouldBe(5);
        logs.Digest.StartTls.ShouldBeTrue();
    }

    [Theory]
    [InlineData("logs:\n  databse: x\n", "error: logs.databse: unknown key")]
    [InlineData("logs:\n  retention_days: soon\n", "error: logs.retention_days: must be an integer from 0 to 36500")]
    [InlineData("logs:\n  watch_after_deploy: a while\n", "logs.watch_after_deploy: must be a duration")]
    [InlineData("logs:\n  digest: { since: yesterday }\n", "logs.digest.since: must be a duration")]
    [InlineData("logs:\n  digest: { top: 0 }\n", "logs.digest.top: must be an integer from 1 to 1000")]
    [InlineData("logs:\n  users: { alice: { role: root, password_hash: h } }\n", "logs.users.alice.role: must be one of viewer, admin")]
    [InlineData("logs:\n  users: { alice: { role: viewer } }\n", "logs.users.alice.password_hash: required key is missing")]
    [InlineData("logs:\n  users: { 'a b': h }\n", "logs.users.a b: user names are letters")]
    [InlineData("logs: [x]\n", "logs: must be a mapping")]
    public void Mistakes_are_reported_with_line_column_and_key(string section, string expected)
    {
        var result = ConfigFixtures.Parse(ConfigFixtures.Minimal + section);

        result.Succeeded.ShouldBeFalse();
        ConfigFixtures.Lines(result).ShouldContain(expected);
        result.Diagnostics.ShouldAllBe(d => d.Location.Line > 6 && d.Location.Column > 0, "every problem points into the logs: section");
    }
}
