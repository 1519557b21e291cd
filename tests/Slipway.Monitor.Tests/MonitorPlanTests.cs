using Slipway.Core.Config;
using Slipway.Monitor.Configuration;

namespace Slipway.Monitor.Tests;

/// <summary>The monitor: section as the library sees it: definitions per host, and defaults that agree.</summary>
public sealed class MonitorPlanTests
{
    [Fact]
    public void The_config_defaults_are_the_librarys()
    {
        var config = new MonitorConfig();
        var library = new CheckOptions();

        (config.CheckInterval, config.RetryInterval, config.MaxCheckAttempts, config.RecoverAfter, config.Timeout)
            .ShouldBe((library.CheckInterval, library.RetryInterval, library.MaxCheckAttempts, library.RecoverAfter, library.Timeout));
    }

    [Fact]
    public void A_check_is_defined_per_host_with_that_hosts_variables()
    {
        var check = new MonitorCheckConfig
        {
            Name = "web", Type = "tcp", Port = "${http_port}", Warning = "0.5", CheckInterval = TimeSpan.FromMinutes(1),
            RetryInterval = TimeSpan.FromSeconds(10), MaxCheckAttempts = 2, RecoverAfter = 1, Timeout = TimeSpan.FromSeconds(5),
        };
        var host = new HostConfig { Host = "web1", Vars = new Dictionary<string, string> { ["http_port"] = "8000" } };

        var (definition, problems) = MonitorPlan.Define(check, host);

        problems.ShouldBeEmpty();
        definition!.Tcp.ShouldBe(new Checks.TcpCheckOptions("127.0.0.1", 8000) { Warning = "0.5" });
        definition.Options.MaxCheckAttempts.ShouldBe(2);
        MonitorPlan.Define(check, host with { Vars = new Dictionary<string, string> { ["http_port"] = "http" } }).Problems
            .ShouldBe([("port", "must be a port from 1 to 65535, got \"http\" (on web1)")]);
    }
}
