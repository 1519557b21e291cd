using Slipway.Core.Config;

namespace Slipway.Recipes.Tests;

/// <summary><c>health: … start_period:</c> (issue 22): a slowly booting release is waited for, not rolled back at the first refusal.</summary>
public sealed class HealthStartPeriodTests
{
    private static readonly HostConfig Host = new() { Host = "web1" };

    [Fact]
    public void The_agent_gets_the_start_period_of_a_network_check()
    {
        var check = new HealthCheckConfig { Name = "web", Http = "http://127.0.0.1:8000/", StartPeriod = TimeSpan.FromSeconds(30) };
        HealthSteps.Check(check, Host).Text.ShouldContain("--start-period 30s");
        HealthSteps.Check(check with { StartPeriod = TimeSpan.Zero }, Host).Text.ShouldNotContain("--start-period");
    }

    [Fact]
    public void A_command_check_counts_failures_only_after_its_start_period()
    {
        var check = new HealthCheckConfig { Name = "db", Command = "pg_isready", StartPeriod = TimeSpan.FromSeconds(20) };
        var script = HealthSteps.Check(check, Host).Text;
        script.ShouldContain("began=$(date +%s)");
        script.ShouldContain("-ge 20 ]; then i=$((i + 1)); fi");
    }
}
