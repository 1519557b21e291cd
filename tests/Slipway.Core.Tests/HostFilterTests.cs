using Slipway.Core.Config;

namespace Slipway.Core.Tests;

public sealed class HostFilterTests
{
    private static readonly StageConfig Stage = new()
    {
        Name = "production",
        Branch = "main",
        Hosts =
        [
            new HostConfig { Host = "127.0.0.1", Port = 2201, Roles = ["web", "db"] },
            new HostConfig { Host = "127.0.0.1", Port = 2202, Roles = ["web"] },
            new HostConfig { Host = "worker1", User = "deploy", Roles = ["worker"] },
        ],
    };

    [Fact]
    public void No_filters_select_every_host() =>
        HostFilter.Select(Stage, [], []).Hosts.Count.ShouldBe(3);

    [Fact]
    public void Roles_select_hosts_with_any_of_them() =>
        HostFilter.Select(Stage, ["db", "worker"], []).Hosts.Select(h => h.DisplayName)
            .ShouldBe(["127.0.0.1:2201", "deploy@worker1"]);

    [Fact]
    public void Hosts_match_by_name_host_and_port_or_display_name()
    {
        HostFilter.Select(Stage, [], ["127.0.0.1:2202"]).Hosts.Single().Port.ShouldBe(2202);
        HostFilter.Select(Stage, [], ["worker1"]).Hosts.Single().Host.ShouldBe("worker1");
        HostFilter.Select(Stage, [], ["deploy@worker1"]).Hosts.Single().Host.ShouldBe("worker1");
        HostFilter.Select(Stage, [], ["127.0.0.1"]).Hosts.Count.ShouldBe(2);
    }

    [Fact]
    public void An_unknown_role_is_an_error_listing_the_stage_roles() =>
        HostFilter.Select(Stage, ["cache"], []).Error
            .ShouldBe("no host of stage 'production' has role 'cache'; roles in this stage: db, web, worker.");

    [Fact]
    public void An_unknown_host_is_an_error_listing_the_stage_hosts() =>
        HostFilter.Select(Stage, [], ["web9"]).Error
            .ShouldBe("no host of stage 'production' is named 'web9'; hosts in this stage: 127.0.0.1:2201, 127.0.0.1:2202, deploy@worker1.");

    [Fact]
    public void Roles_and_hosts_that_exclude_each_other_are_an_error() =>
        HostFilter.Select(Stage, ["worker"], ["127.0.0.1:2201"]).Error.ShouldNotBeNull();

    [Fact]
    public void Comma_separated_and_repeated_options_are_split_and_deduplicated() =>
        HostFilter.SplitList(["web, db", "web", "worker"]).ShouldBe(["web", "db", "worker"]);
}
