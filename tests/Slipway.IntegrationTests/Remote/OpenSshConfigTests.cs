using System.Diagnostics;
using Slipway.Core.Config;
using Slipway.Core.Shell;
using Slipway.Remote.Ssh;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Remote;

/// <summary>What OpenSSH brings for free: ssh_config aliases, ProxyJump, the agent, other key types.</summary>
public sealed class OpenSshConfigTests
{
    [Fact(Timeout = 60_000)]
    public async Task An_ssh_config_alias_and_a_proxy_jump_are_honoured()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(3, ct);
        using var dir = new TempDir();

        // IdentityFile and UserKnownHostsFile under Host * so the jump connection to the bastion uses them too.
        var config = dir.Write("ssh_config", $"""
            Host web1
              HostName 127.0.0.1
              Port {sshd.Hosts[1].Port}
              User {SshdFixture.User}
            Host web2
              HostName 127.0.0.1
              Port {sshd.Hosts[2].Port}
              User {SshdFixture.User}
              ProxyJump bastion
            Host bastion
              HostName 127.0.0.1
              Port {sshd.Hosts[0].Port}
              User {SshdFixture.User}
            Host *
              IdentityFile {sshd.ClientKey}
              IdentitiesOnly yes
              UserKnownHostsFile {sshd.KnownHosts}

            """);
        await using var transport = new OpenSshTransport(new SshSettings { ConfigFile = config, ConnectTimeout = TimeSpan.FromSeconds(5), ControlPersist = null });

        var web1 = await transport.ConnectAsync(new HostConfig { Host = "web1" }, ct);
        var web2 = await transport.ConnectAsync(new HostConfig { Host = "web2" }, ct);

        (await web1.RunAsync(ShellCommand.Raw("echo one"), null, ct)).StdoutTail.ShouldBe(["one"], sshd.ServerLogs());
        (await web2.RunAsync(ShellCommand.Raw("echo two"), null, ct)).StdoutTail.ShouldBe(["two"], sshd.ServerLogs());
        sshd.ServerLog(0).ShouldContain("Accepted publickey", customMessage: "the bastion carried the jump\n" + sshd.ServerLogs());
        sshd.ServerLog(2).ShouldContain("Accepted publickey");
    }

    [Fact(Timeout = 60_000)]
    public async Task The_agent_given_through_the_environment_override_authenticates()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct);
        using var dir = new TempDir("slw-agent-");
        var socket = dir.File("agent.sock");
        var agentStart = new ProcessStartInfo("ssh-agent") { ArgumentList = { "-D", "-a", socket }, RedirectStandardOutput = true };
        using var agent = Process.Start(agentStart)!;
        try
        {
            (await Eventually.ForAsync(() => File.Exists(socket), TimeSpan.FromSeconds(10), ct))
                .ShouldBeTrue("ssh-agent did not create its socket");
            var add = new ProcessStartInfo("ssh-add")
            {
                ArgumentList = { sshd.ClientKey }, RedirectStandardError = true, Environment = { ["SSH_AUTH_SOCK"] = socket },
            };
            using (var adding = Process.Start(add)!)
            {
                await adding.WaitForExitAsync(ct);
                adding.ExitCode.ShouldBe(0);
            }

            var settings = new SshSettings { KnownHosts = sshd.KnownHosts, ConnectTimeout = TimeSpan.FromSeconds(5), ControlPersist = null };
            await using var transport = new OpenSshTransport(settings, new Dictionary<string, string?> { ["SSH_AUTH_SOCK"] = socket });

            var session = await transport.ConnectAsync(SshTestHosts.Host(sshd, 0), ct);

            (await session.RunAsync(ShellCommand.Raw("echo agent"), null, ct)).StdoutTail.ShouldBe(["agent"], sshd.ServerLog(0));
        }
        finally
        {
            agent.Kill();
            await agent.WaitForExitAsync(ct);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task An_rsa_client_key_works()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sshd = await SshdFixture.StartAsync(1, ct, withRsaKey: true);
        await using var transport = new OpenSshTransport(SshTestHosts.Settings(sshd) with { IdentityFile = sshd.RsaClientKey });

        var session = await transport.ConnectAsync(SshTestHosts.Host(sshd, 0), ct);

        (await session.RunAsync(ShellCommand.Raw("echo rsa"), null, ct)).StdoutTail.ShouldBe(["rsa"], sshd.ServerLog(0));
        sshd.ServerLog(0).ShouldContain("Accepted publickey for " + SshdFixture.User + " from 127.0.0.1");
        sshd.ServerLog(0).ShouldContain("RSA");
    }
}
