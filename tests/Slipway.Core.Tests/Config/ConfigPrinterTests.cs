using Slipway.Core.Config;
using Slipway.Testing;

namespace Slipway.Core.Tests.Config;

public sealed class ConfigPrinterTests
{
    private static SlipwayConfig Example() => ConfigFixtures.Parse(ConfigFixtures.Example + "queue: { url: \"sqlite:///srv/mysite/shared/queue.db\", lease: 45s }\n").Config!;

    [Fact]
    public void Json_shows_the_resolved_stage()
    {
        var config = Example();

        Golden.Verify(ConfigPrinter.ToJson(config, config.FindStage("production")!), "Config", "ShowProductionJson");
    }

    [Fact]
    public void Yaml_shows_the_resolved_stage()
    {
        var config = Example();

        Golden.Verify(ConfigPrinter.ToYaml(config, config.FindStage("local")!), "Config", "ShowLocalYaml");
    }

    [Fact]
    public void Printed_yaml_for_a_full_config_reads_back_to_the_same_values()
    {
        var config = ConfigFixtures.Parse(StarterTemplate.Django("mysite")).Config!;
        var stage = config.Stages[0];

        var yaml = ConfigPrinter.ToYaml(config, stage);
        // The printed form is a resolved view (stage/hosts at the top), so compare it through JSON, not through the binder.
        var reparsed = new YamlDotNet.Serialization.DeserializerBuilder().Build().Deserialize<object>(yaml);
        var json = new YamlDotNet.Serialization.SerializerBuilder().JsonCompatible().Build().Serialize(reparsed);

        System.Text.Json.Nodes.JsonNode.Parse(json)!["processes"]!["web"]!["command"]!.GetValue<string>()
            .ShouldBe("gunicorn mysite.wsgi --bind 127.0.0.1:8000");
        Golden.Verify(yaml, "Config", "ShowStarterYaml");
    }

    [Fact]
    public void The_logs_section_is_shown_with_its_secrets_masked()
    {
        var config = ConfigFixtures.Parse(ConfigFixtures.Example + """
            logs:
              db: /var/lib/slipway/logs.db
              token: s3cret-token
              retention_days: 30
              users:
                alice: { role: admin, password_hash: "pbkdf2-sha256$1$c2FsdA$aGFzaA" }
              digest:
                smtp: 127.0.0.1:25
                smtp_password: hunter2
                to: [ops@example.com]
                since: 1d
            """).Config!;

        var yaml = ConfigPrinter.ToYaml(config, config.FindStage("production")!);

        yaml.ShouldContain("logs:");
        yaml.ShouldContain("db: /var/lib/slipway/logs.db");
        yaml.ShouldContain("retention_days: 30");
        yaml.ShouldContain("since: 1d");
        yaml.ShouldContain("alice:");
        yaml.ShouldNotContain("s3cret-token");
        yaml.ShouldNotContain("hunter2");
        yaml.ShouldNotContain("aGFzaA");
        yaml.ShouldContain("token: \"***\"");
    }

    [Fact]
    public void A_password_in_a_url_is_masked_in_text_and_json()
    {
        var config = ConfigFixtures.Parse("""
            application: mysite
            repo_url: https://deploy:gh-t0ken@git.example.com/site.git
            deploy_to: /srv/mysite
            stages:
              production:
                hosts:
                  - { host: web1.example.com }
            logs:
              db: mysql://slipway:pa55word@db1.example.com/logs
            """).Config!;
        var stage = config.FindStage("production")!;

        var yaml = ConfigPrinter.ToYaml(config, stage);
        var json = ConfigPrinter.ToJson(config, stage);

        foreach (var shown in new[] { yaml, json })
        {
            shown.ShouldNotContain("pa55word");
            shown.ShouldNotContain("gh-t0ken");
            shown.ShouldContain("mysql://slipway:***@db1.example.com/logs");
            shown.ShouldContain("https://deploy:***@git.example.com/site.git");
        }
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("true", "\"true\"")]
    [InlineData("22", "\"22\"")]
    [InlineData("a: b", "\"a: b\"")]
    [InlineData("", "\"\"")]
    [InlineData("~/.ssh/id", "~/.ssh/id")]
    [InlineData("say \"hi\"\n", "\"say \\\"hi\\\"\\n\"")]
    public void Yaml_scalars_are_quoted_only_when_needed(string value, string expected) =>
        Slipway.Core.Config.Internal.YamlTreeWriter.Scalar(value).ShouldBe(expected);
}
