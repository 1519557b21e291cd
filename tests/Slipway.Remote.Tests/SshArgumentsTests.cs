using Slipway.Core.Config;
using Slipway.Remote.Ssh;

namespace Slipway.Remote.Tests;

public sealed class SshArgumentsTests
{
    private static readonly HostConfig Bare = new() { Host = "web1" };

    [Fact]
    public void Nothing_configured_leaves_everything_to_ssh_config()
    {
        var args = new SshArguments(new SshSettings { ControlPersist = null }, "/tmp/slw-abc");

        args.Master(Bare, "/tmp/slw-abc/m.log").ShouldBe(
        [
            "-M", "-T", "-o", "ControlPersist=no",
            "-o", "ControlPath=/tmp/slw-abc/%C", "-o", "BatchMode=yes",
            "-E", "/tmp/slw-abc/m.log", "-v", "-o", "ConnectTimeout=10", "-o", "StrictHostKeyChecking=yes", "web1",
            "--", "exec /bin/sh -s",
        ]);
    }

    [Fact]
    public void Control_persist_shares_or_becomes_a_master_that_outlives_the_run()
    {
        // Given the default settings: connections persist for 60 s
        var args = new SshArguments(new SshSettings(), "/root/.slipway/cm");

        args.Master(Bare, "/tmp/slw-abc/m.log", "/root/.slipway/cm/0123456789ab-0123456789abcdef").ShouldBe(
        [
            "-T", "-o", "ControlMaster=auto", "-o", "ControlPersist=60",
            "-o", "ControlPath=/root/.slipway/cm/0123456789ab-0123456789abcdef", "-o", "BatchMode=yes",
            "-E", "/tmp/slw-abc/m.log", "-v", "-o", "ConnectTimeout=10", "-o", "StrictHostKeyChecking=yes", "web1",
            "--", "exec /bin/sh -s",
        ]);
    }

    [Fact]
    public void Everything_configured_becomes_explicit_options()
    {
        var settings = new SshSettings
        {
            User = "deploy",
            IdentityFile = "/keys/id",
            KnownHosts = "/keys/known",
            HostKeyPolicy = HostKeyPolicy.AcceptNew,
            ConfigFile = "/etc/slw/ssh_config",
            ConnectTimeout = TimeSpan.FromSeconds(2.5),
        };
        var host = new HostConfig { Host = "10.0.0.5", Port = 2222, User = "app" };
        var args = new SshArguments(settings, "/tmp/slw-abc");

        args.Command(host, "/tmp/slw-abc/c.log", "echo hi").ShouldBe(
        [
            "-o", "ControlMaster=no", "-o", "ControlPath=/tmp/slw-abc/%C", "-o", "BatchMode=yes",
            "-F", "/etc/slw/ssh_config", "-p", "2222", "-l", "app", "-E", "/tmp/slw-abc/c.log", "-vv",
            "-o", "ConnectTimeout=3", "-o", "StrictHostKeyChecking=accept-new", "-o", "UserKnownHostsFile=/keys/known",
            "-i", "/keys/id", "-o", "IdentitiesOnly=yes", "10.0.0.5", "--", "echo hi",
        ]);
    }

    [Fact]
    public void A_direct_command_never_touches_a_control_socket()
    {
        var args = new SshArguments(new SshSettings(), "/tmp/slw-abc");

        args.Direct(Bare, "/tmp/slw-abc/d.log", "echo hi").ShouldBe(
        [
            "-o", "ControlMaster=no", "-o", "ControlPath=none", "-o", "BatchMode=yes", "-E", "/tmp/slw-abc/d.log", "-v",
            "-o", "ConnectTimeout=10", "-o", "StrictHostKeyChecking=yes", "web1", "--", "echo hi",
        ]);
    }

    [Fact]
    public void Per_host_identity_wins_and_home_is_expanded()
    {
        var args = new SshArguments(new SshSettings { IdentityFile = "~/.ssh/default" }, "/tmp/slw-abc");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

        var argv = args.Master(Bare with { IdentityFile = "~/.ssh/web" }, "/l");

        argv.ShouldContain(home + "/.ssh/web");
        argv.ShouldNotContain(home + "/.ssh/default");
    }

    [Fact]
    public void Inspect_asks_ssh_for_its_configuration_with_the_options_a_connection_gets()
    {
        var settings = new SshSettings { KnownHosts = "/keys/known", IdentityFile = "/keys/id" };
        var host = new HostConfig { Host = "10.0.0.5", Port = 2222, User = "app" };

        new SshArguments(settings, "/tmp/slw-abc").Inspect(host).ShouldBe(
        [
            "-G", "-o", "BatchMode=yes", "-p", "2222", "-l", "app",
            "-o", "ConnectTimeout=10", "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=/keys/known",
            "-i", "/keys/id", "-o", "IdentitiesOnly=yes", "10.0.0.5",
        ]);
    }

    [Fact]
    public void Exit_asks_the_master_on_one_socket_to_close()
    {
        var host = new HostConfig { Host = "10.0.0.5", Port = 2222, User = "app" };

        new SshArguments(new SshSettings(), "/c").Exit(host, "/c/abc-def").ShouldBe(
        [
            "-O", "exit", "-o", "ControlPath=/c/abc-def", "-o", "BatchMode=yes", "-p", "2222", "-l", "app", "10.0.0.5",
        ]);
    }
}
