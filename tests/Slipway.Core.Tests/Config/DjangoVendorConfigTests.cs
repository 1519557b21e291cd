using Slipway.Core.Config;

namespace Slipway.Core.Tests.Config;

/// <summary><c>recipes.django.vendor</c>: build packages the release's virtualenv imports, checked against <c>build.packages</c>.</summary>
public sealed class DjangoVendorConfigTests
{
    private const string Site = """
        application: mysite
        deploy_to: /srv/mysite
        recipes:
          django:
            roles: [web]
            vendor: [pillow, libjpeg]
        build:
          packages:
            libjpeg: { source: { path: libjpeg }, steps: [make install] }
            pillow: { source: { path: pillow }, steps: [make install], depends: [libjpeg], roles: [web] }
            tool: { source: { path: tool }, steps: [make install] }
        stages:
          production:
            hosts:
              - { host: web1, roles: [web, db] }
              - { host: db1, roles: [db] }

        """;

    [Fact]
    public void Deployed_packages_and_their_dependencies_can_be_vendored()
    {
        var result = ConfigFixtures.Parse(Site);

        result.Succeeded.ShouldBeTrue(ConfigFixtures.Lines(result));
        result.Config!.Recipes.Django!.Vendor.ShouldBe(["pillow", "libjpeg"]);
    }

    [Fact]
    public void An_unknown_package_is_an_error_at_its_entry_naming_it()
    {
        var result = ConfigFixtures.Parse(Site.Replace("vendor: [pillow, libjpeg]", "vendor: [pillow, pilow]", StringComparison.Ordinal));

        result.Succeeded.ShouldBeFalse();
        ConfigFixtures.Lines(result).ShouldBe(
            "slipway.yml:6:22: error: recipes.django.vendor: unknown package 'pilow'; build.packages: libjpeg, pillow, tool");
    }

    [Fact]
    public void Vendoring_without_a_build_section_is_an_error()
    {
        var yaml = Site[..Site.IndexOf("build:", StringComparison.Ordinal)] + Site[Site.IndexOf("stages:", StringComparison.Ordinal)..];

        var result = ConfigFixtures.Parse(yaml);

        ConfigFixtures.Lines(result).ShouldBe(
            "slipway.yml:6:14: error: recipes.django.vendor: unknown package 'pillow': there is no build.packages section to vendor it from\n" +
            "slipway.yml:6:22: error: recipes.django.vendor: unknown package 'libjpeg': there is no build.packages section to vendor it from");
    }

    [Fact]
    public void A_package_no_host_gets_is_an_error_saying_to_give_it_roles()
    {
        var result = ConfigFixtures.Parse(Site.Replace("vendor: [pillow, libjpeg]", "vendor: [tool]", StringComparison.Ordinal));

        ConfigFixtures.Lines(result).ShouldBe(
            "slipway.yml:6:14: error: recipes.django.vendor: package 'tool' is not deployed: give build.packages.tool the roles of the Django hosts (roles: [...]) so the release links vendor/tool");
    }

    [Fact]
    public void A_django_host_the_package_is_not_deployed_to_is_named()
    {
        var result = ConfigFixtures.Parse(Site.Replace("    roles: [web]\n    vendor", "    vendor", StringComparison.Ordinal));

        ConfigFixtures.Lines(result).ShouldContain(
            "recipes.django.vendor: package 'pillow' is deployed to roles web, but the Django host production/db1 has none of them");
    }

    [Fact]
    public void A_package_listed_twice_is_an_error()
    {
        var result = ConfigFixtures.Parse(Site.Replace("vendor: [pillow, libjpeg]", "vendor: [pillow, pillow]", StringComparison.Ordinal));

        ConfigFixtures.Lines(result).ShouldBe("slipway.yml:6:22: error: recipes.django.vendor[1]: 'pillow' is listed twice");
    }

    [Fact]
    public void Config_show_prints_the_vendored_packages()
    {
        var config = ConfigFixtures.Parse(Site).Config!;

        ConfigPrinter.ToYaml(config, config.Stages[0]).ShouldContain("vendor:");
    }
}
