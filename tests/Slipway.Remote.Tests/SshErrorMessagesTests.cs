using Slipway.Core.Config;
using Slipway.Remote.Ssh;

namespace Slipway.Remote.Tests;

public sealed class SshErrorMessagesTests
{
    private static readonly HostConfig Web = new() { Host = "web1.example", Port = 2222, User = "deploy" };
    private static readonly SshSettings Settings = new()
    {
        KnownHosts = "/home/me/.ssh/known_hosts",
        IdentityFile = "/home/me/.ssh/deploy",
    };

    [Fact]
    public void Unknown_key_names_host_fingerprint_and_both_fixes()
    {
        var diagnosis = new SshLogDiagnosis(ConnectionFailure.HostKeyUnknown, "Host key verification failed.")
        {
            ServerKeyType = "ssh-ed25519",
            ServerFingerprint = "SHA256:abc",
        };

        var error = SshErrorMessages.ForConnect(Web, Settings, diagnosis);

        error.Host.ShouldBe("deploy@web1.example:2222");
        error.Message.ShouldBe(
            "deploy@web1.example:2222: the host key (ssh-ed25519 SHA256:abc) is not in /home/me/.ssh/known_hosts and ssh.host_key_policy " +
            "is strict. Check the fingerprint with the host's owner, then accept it with " +
            "`ssh-keyscan -p 2222 web1.example >> /home/me/.ssh/known_hosts`, or set `ssh.host_key_policy: accept-new`.");
    }

    [Fact]
    public void Changed_key_is_loud_and_says_how_to_remove_the_old_key()
    {
        var error = SshErrorMessages.ForConnect(Web, Settings, new SshLogDiagnosis(ConnectionFailure.HostKeyChanged, "x"));

        error.Message.ShouldStartWith("REFUSING: the host key of deploy@web1.example:2222 has CHANGED");
        error.Message.ShouldContain("man-in-the-middle");
        error.Message.ShouldContain("ssh-keygen -f /home/me/.ssh/known_hosts -R \"[web1.example]:2222\"");
    }

    [Fact]
    public void Auth_failure_names_the_identity_from_settings_when_ssh_logged_none()
    {
        var diagnosis = new SshLogDiagnosis(ConnectionFailure.AuthenticationFailed, "Permission denied (publickey).");

        var error = SshErrorMessages.ForConnect(Web, Settings, diagnosis);

        error.Failure.ShouldBe(ConnectionFailure.AuthenticationFailed);
        error.Message.ShouldContain("/home/me/.ssh/deploy");
    }
}
