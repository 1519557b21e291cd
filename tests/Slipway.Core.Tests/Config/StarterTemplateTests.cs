using Slipway.Core.Config;
using Slipway.Testing;

namespace Slipway.Core.Tests.Config;

public sealed class StarterTemplateTests
{
    [Fact]
    public void The_django_template_loads_without_errors()
    {
        var yaml = StarterTemplate.Django("mysite");

        var result = ConfigFixtures.Parse(yaml);

        result.Diagnostics.ShouldBeEmpty(ConfigFixtures.Lines(result));
        var config = result.Config!;
        config.Application.ShouldBe("mysite");
        var local = config.FindStage("local")!.Hosts.ShouldHaveSingleItem();
        local.Host.ShouldBe("localhost");
        local.Transport.ShouldBe(TransportKind.Local);
        config.Processes[0].Environment["DJANGO_SETTINGS_MODULE"].ShouldBe("mysite.settings");
        Golden.Verify(yaml, "Config", "StarterDjango");
    }

    [Fact]
    public void The_first_line_points_editors_at_the_schema()
    {
        StarterTemplate.Django("shop").Split('\n')[0]
            .ShouldBe("# yaml-language-server: $schema=https://raw.githubusercontent.com/slipway/slipway/main/docs/slipway.schema.json");
    }

    [Fact]
    public void The_commented_production_stage_loads_once_uncommented()
    {
        var yaml = StarterTemplate.Django("shop").Replace("  # production:", "  production:", StringComparison.Ordinal)
            .Replace("  #   ", "    ", StringComparison.Ordinal).Replace("  #     - {", "      - {", StringComparison.Ordinal);

        var result = ConfigFixtures.Parse(yaml);

        result.Diagnostics.ShouldBeEmpty(ConfigFixtures.Lines(result));
        result.Config!.FindStage("production")!.Hosts.Count.ShouldBe(2);
    }

    [Fact]
    public void An_invalid_application_name_is_refused() =>
        Should.Throw<ArgumentException>(() => StarterTemplate.Django("My Site"));
}
