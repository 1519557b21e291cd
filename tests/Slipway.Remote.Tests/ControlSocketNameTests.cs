using Slipway.Remote.Ssh;

namespace Slipway.Remote.Tests;

public sealed class ControlSocketNameTests
{
    private const string Config = """
        host web1
        user deploy
        hostname 10.0.0.5
        port 2222
        identityfile ~/.ssh/id_ed25519
        globalknownhostsfile /etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2
        userknownhostsfile ~/.ssh/known_hosts ~/.ssh/known_hosts2
        """;

    private static readonly (string, string?)[] KnownHosts = [("~/.ssh/known_hosts", "[10.0.0.5]:2222 ssh-ed25519 AAAAC3Nza...old\n")];

    [Fact]
    public void The_name_is_a_destination_prefix_and_a_settings_digest_short_enough_for_a_unix_socket()
    {
        var name = ControlSocketName.For(Config, KnownHosts);

        name.ShouldMatch("^[0-9a-f]{12}-[0-9a-f]{16}$");
        name.ShouldStartWith(ControlSocketName.DestinationPrefix(Config));
        ControlSocketName.For(Config, KnownHosts).ShouldBe(name); // stable from run to run
    }

    [Fact]
    public void A_changed_setting_gives_another_master()
    {
        var changed = Config.Replace("id_ed25519", "id_rsa", StringComparison.Ordinal);

        ControlSocketName.For(changed, KnownHosts).ShouldNotBe(ControlSocketName.For(Config, KnownHosts));
        ControlSocketName.DestinationPrefix(changed).ShouldBe(ControlSocketName.DestinationPrefix(Config)); // ssh close still finds both
    }

    [Fact]
    public void A_changed_known_hosts_gives_another_master()
    {
        (string, string?)[] replaced = [("~/.ssh/known_hosts", "[10.0.0.5]:2222 ssh-ed25519 AAAAC3Nza...new\n")];
        (string, string?)[] removed = [("~/.ssh/known_hosts", null)];

        ControlSocketName.For(Config, replaced).ShouldNotBe(ControlSocketName.For(Config, KnownHosts));
        ControlSocketName.For(Config, removed).ShouldNotBe(ControlSocketName.For(Config, KnownHosts));
    }

    [Fact]
    public void Another_destination_has_another_prefix()
    {
        ControlSocketName.DestinationPrefix(Config.Replace("port 2222", "port 22", StringComparison.Ordinal))
            .ShouldNotBe(ControlSocketName.DestinationPrefix(Config));
        ControlSocketName.DestinationPrefix(Config.Replace("user deploy", "user root", StringComparison.Ordinal))
            .ShouldNotBe(ControlSocketName.DestinationPrefix(Config));
    }

    [Fact]
    public void Known_hosts_files_are_the_users_then_the_global_ones() =>
        ControlSocketName.KnownHostsFiles(Config).ShouldBe(
            ["~/.ssh/known_hosts", "~/.ssh/known_hosts2", "/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"]);
}
