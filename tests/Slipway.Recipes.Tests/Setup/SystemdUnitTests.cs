using Slipway.Recipes.Setup;
using Slipway.Testing;

namespace Slipway.Recipes.Tests.Setup;

/// <summary>The unit setup writes for Slipway's daemon, and when it writes one at all.</summary>
public sealed class SystemdUnitTests
{
    [Fact]
    public void The_unit_runs_supervise_in_the_foreground_and_starts_at_boot() =>
        Golden.Verify(SystemdUnit.Render("shop", "/srv/shop", "/srv/shop/slipway/bin/slipway", "/srv/shop/slipway/supervisord.conf"), "Setup", "systemd-unit");

    [Fact]
    public void Paths_are_escaped_for_systemd()
    {
        var unit = SystemdUnit.Render("shop", "/srv/50%", "/srv/my shop/bin/slipway", "/srv/$x/supervisord.conf");

        unit.ShouldContain("ExecStart=\"/srv/my shop/bin/slipway\" supervise -n -c /srv/$$x/supervisord.conf\n");
        unit.ShouldContain("WorkingDirectory=/srv/50%%\n");
    }

    [Theory]
    [InlineData("run=1 systemctl=1 root=1 prefix=", DaemonManager.Systemd, false)]
    [InlineData("run=0 systemctl=0 root=1 prefix=", DaemonManager.Direct, false)]
    [InlineData("run=1 systemctl=0 root=1 prefix=", DaemonManager.Direct, true)]
    [InlineData("run=1 systemctl=1 root=0 prefix=", DaemonManager.Direct, true)]
    [InlineData("", DaemonManager.Direct, false)]
    public void Systemd_is_used_only_when_it_runs_answers_and_setup_is_root(string probe, DaemonManager expected, bool noted)
    {
        var decision = SystemdUnit.Decide(probe);

        decision.Manager.ShouldBe(expected);
        (decision.Note is not null).ShouldBe(noted, decision.Note);
        decision.UnitDirectory.ShouldBe("/etc/systemd/system");
    }

    [Fact]
    public void A_prefix_moves_the_unit_directory() =>
        SystemdUnit.Decide("run=1 systemctl=1 root=1 prefix=/tmp/fake root/").UnitDirectory.ShouldBe("/tmp/fake root/etc/systemd/system");
}
