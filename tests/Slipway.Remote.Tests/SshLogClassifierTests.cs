using Slipway.Remote.Ssh;

namespace Slipway.Remote.Tests;

/// <summary>Samples captured from OpenSSH 9.2 (-E file -v).</summary>
public sealed class SshLogClassifierTests
{
    private const string Unknown = """
        OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026
        debug1: kex: host key algorithm: ssh-ed25519
        debug1: Server host key: ssh-ed25519 SHA256:kiatJU1ZePXRKG1fwHB6ShWx/ZOHEWjDVSJV2ozpBLo
        No ED25519 host key is known for [127.0.0.1]:42221 and you have requested strict checking.
        Host key verification failed.
        """;

    private const string Changed = """
        debug1: Server host key: ssh-ed25519 SHA256:kiatJU1ZePXRKG1fwHB6ShWx/ZOHEWjDVSJV2ozpBLo
        @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
        @    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @
        @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
        IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!
        Offending ED25519 key in /tmp/exp/kh3:1
        Host key for [127.0.0.1]:42221 has changed and you have requested strict checking.
        Host key verification failed.
        """;

    private const string AuthFailed = """
        debug1: Will attempt key: /home/me/.ssh/deploy ED25519 SHA256:HNl/jfeh4cYO0QZfujcH+bR4o88q1yIeckIwAlJVFhU explicit
        debug1: Offering public key: /home/me/.ssh/deploy ED25519 SHA256:HNl/jfeh4cYO0QZfujcH+bR4o88q1yIeckIwAlJVFhU explicit
        root@127.0.0.1: Permission denied (publickey).
        """;

    [Theory]
    [InlineData(Unknown, ConnectionFailure.HostKeyUnknown)]
    [InlineData(Changed, ConnectionFailure.HostKeyChanged)]
    [InlineData(AuthFailed, ConnectionFailure.AuthenticationFailed)]
    [InlineData("ssh: connect to host 127.0.0.1 port 42299: Connection refused", ConnectionFailure.Unreachable)]
    [InlineData("ssh: Could not resolve hostname nonexistent.invalid: Name or service not known", ConnectionFailure.Unreachable)]
    [InlineData("ssh: connect to host 10.9.9.9 port 22: No route to host", ConnectionFailure.Unreachable)]
    [InlineData("Connection timed out during banner exchange\nConnection to 127.0.0.1 port 58041 timed out", ConnectionFailure.Timeout)]
    [InlineData("ssh: connect to host 10.0.0.1 port 22: Connection timed out", ConnectionFailure.Timeout)]
    [InlineData("debug2: Control master terminated unexpectedly", ConnectionFailure.ConnectionLost)]
    [InlineData("something new and strange", ConnectionFailure.Other)]
    public void Connect_failures_are_classified(string log, ConnectionFailure expected) =>
        SshLogClassifier.ClassifyConnect(log).Failure.ShouldBe(expected);

    [Fact]
    public void Server_key_fingerprint_is_extracted()
    {
        var diagnosis = SshLogClassifier.ClassifyConnect(Unknown);

        diagnosis.ServerKeyType.ShouldBe("ssh-ed25519");
        diagnosis.ServerFingerprint.ShouldBe("SHA256:kiatJU1ZePXRKG1fwHB6ShWx/ZOHEWjDVSJV2ozpBLo");
        diagnosis.Detail.ShouldBe(
            "No ED25519 host key is known for [127.0.0.1]:42221 and you have requested strict checking. Host key verification failed.");
    }

    [Fact]
    public void Identities_tried_are_listed_once() =>
        SshLogClassifier.ClassifyConnect(AuthFailed).IdentitiesTried.ShouldBe(["/home/me/.ssh/deploy"]);

    [Theory]
    [InlineData("debug1: mux_client_request_session: master session id: 2\ndebug2: Control master terminated unexpectedly", true)]
    [InlineData("mux_client_read_packet: read header failed: Broken pipe", true)]
    [InlineData("Connection to 127.0.0.1 closed by remote host.", true)]
    [InlineData("debug2: Received exit status from master 255", false)]
    [InlineData("debug1: client_input_channel_req: channel 0 rtype exit-status reply 0\ndebug1: Exit status 255", false)]
    [InlineData("debug1: mux_client_request_session: master session id: 2", false)]
    public void Lost_connection_is_told_apart_from_exit_255(string log, bool lost)
    {
        SshLogClassifier.IsConnectionLost(log).ShouldBe(lost);
        SshLogClassifier.HasRemoteExitStatus(log).ShouldBe(log.Contains("exit status", StringComparison.OrdinalIgnoreCase)
            || log.Contains("exit-status", StringComparison.Ordinal));
    }

    [Fact]
    public void Lost_reason_is_the_telling_line_without_debug_prefix() =>
        SshLogClassifier.LostReason("debug1: mux_client_request_session: master session id: 2\ndebug2: Control master terminated unexpectedly\n")
            .ShouldBe("Control master terminated unexpectedly");
}
