using Slipway.Core.Config.Internal;
using Slipway.Testing;

namespace Slipway.Core.Tests.Config;

public sealed class EnvSubstitutionTests
{
    private static readonly Dictionary<string, string> Vars = new()
    {
        ["HOST"] = "web1.example.com",
        ["PORT"] = "2222",
        ["EMPTY"] = "",
    };

    private static string? Lookup(string name) => Vars.GetValueOrDefault(name);

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("${HOST}", "web1.example.com")]
    [InlineData("ssh://${HOST}:${PORT}/x", "ssh://web1.example.com:2222/x")]
    [InlineData("${MISSING:-fallback}", "fallback")]
    [InlineData("${EMPTY:-fallback}", "fallback")]
    [InlineData("${HOST:-fallback}", "web1.example.com")]
    [InlineData("${MISSING:-}", "")]
    [InlineData("$$HOME and $$$${HOST}", "$HOME and $${HOST}")]
    [InlineData("echo $HOME $1 $", "echo $HOME $1 $")]
    public void Expands_references(string text, string expected)
    {
        var problems = new List<EnvSubstitution.Problem>();

        EnvSubstitution.Expand(text, Lookup, problems).ShouldBe(expected);

        problems.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("x ${MISSING} y", 2)]
    [InlineData("${1BAD}", 0)]
    [InlineData("abc ${HOST", 4)]
    public void Reports_problems_with_their_offset(string text, int offset)
    {
        var problems = new List<EnvSubstitution.Problem>();

        EnvSubstitution.Expand(text, Lookup, problems);

        problems.ShouldHaveSingleItem().Offset.ShouldBe(offset);
    }

    [Fact]
    public void Any_scalar_can_use_variables_and_unset_ones_are_located_precisely()
    {
        var yaml = """
            application: ${APP:-mysite}
            deploy_to: /srv/${APP:-mysite}
            stages:
              production:
                hosts:
                  - { host: "${HOST}", port: "${PORT}", roles: [web] }
                  - host: ${DB_HOST}
                    user: ${DB_USER}
            ssh: { identity_file: "${KEY_DIR}/id" }
            processes:
              web: { command: "gunicorn --bind $$PORT", environment: { SECRET: "${SECRET}" } }

            """;

        var result = ConfigFixtures.Parse(yaml, Lookup);

        result.Diagnostics.Count.ShouldBe(4);
        Golden.Verify(ConfigFixtures.Report(yaml, result), "Config", "EnvUnset");

        var all = new Dictionary<string, string>(Vars)
        {
            ["DB_HOST"] = "db1", ["DB_USER"] = "root", ["KEY_DIR"] = "~/k", ["SECRET"] = "s3",
        };
        var config = ConfigFixtures.Parse(yaml, all.GetValueOrDefault).Config!;
        config.Application.ShouldBe("mysite");
        config.DeployTo.ShouldBe("/srv/mysite");
        config.Stages[0].Hosts[0].Host.ShouldBe("web1.example.com");
        config.Stages[0].Hosts[0].Port.ShouldBe(2222);
        config.Stages[0].Hosts[1].User.ShouldBe("root");
        config.Ssh.IdentityFile.ShouldBe("~/k/id");
        config.Processes[0].Command.ShouldBe("gunicorn --bind $PORT");
        config.Processes[0].Environment["SECRET"].ShouldBe("s3");
    }

    [Fact]
    public void A_substituted_value_is_still_validated()
    {
        var result = ConfigFixtures.Parse(ConfigFixtures.Minimal + "keep_releases: ${KEEP}\n", _ => "500");

        ConfigFixtures.Lines(result).ShouldBe("slipway.yml:7:16: error: keep_releases: must be an integer from 1 to 100, got 500");
    }
}
