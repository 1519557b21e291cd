using Slipway.Core.Config;
using Slipway.Testing;

namespace Slipway.Core.Tests.Config;

/// <summary>A host's own deploy_to, for hosts that keep the application somewhere else.</summary>
public sealed class HostDeployToTests
{
    private static ConfigLoadResult Load(string host)
    {
        using var dir = new TempDir();
        return ConfigLoader.Load(dir.Write("slipway.yml", $$"""
            application: mysite
            deploy_to: /srv/mysite
            stages:
              production:
                branch: main
                hosts:
                  - { host: web1 }
                  - {{host}}
            """));
    }

    [Fact]
    public void A_host_may_set_its_own_absolute_deploy_to()
    {
        var result = Load("{ host: web2, deploy_to: /opt/mysite }");

        result.Succeeded.ShouldBeTrue(string.Join("\n", result.Diagnostics));
        var hosts = result.Config!.FindStage("production")!.Hosts;
        hosts[0].DeployTo.ShouldBeNull();
        hosts[1].DeployTo.ShouldBe("/opt/mysite");
    }

    [Fact]
    public void A_relative_host_deploy_to_is_an_error_at_its_key()
    {
        var result = Load("{ host: web2, deploy_to: opt/mysite }");

        result.Succeeded.ShouldBeFalse();
        var error = result.Diagnostics.ShouldHaveSingleItem();
        error.KeyPath.ShouldBe("stages.production.hosts[1].deploy_to");
        error.Message.ShouldBe("must be an absolute path (starting with /), got \"opt/mysite\"");
    }
}
