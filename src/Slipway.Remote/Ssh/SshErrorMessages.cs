using System.Globalization;
using Slipway.Core.Config;

namespace Slipway.Remote.Ssh;

/// <summary>Turns a <see cref="SshLogDiagnosis"/> into an exception whose message tells the user what to do.</summary>
internal static class SshErrorMessages
{
    public static RemoteConnectionException ForConnect(HostConfig host, SshSettings settings, SshLogDiagnosis diagnosis)
    {
        var name = host.DisplayName;
        var knownHosts = settings.KnownHosts ?? "~/.ssh/known_hosts";
        var keyHost = host.Port is null ? host.Host : $"[{host.Host}]:{host.Port.Value.ToString(CultureInfo.InvariantCulture)}";
        var tried = diagnosis.IdentitiesTried.Count == 0
            ? host.IdentityFile ?? settings.IdentityFile ?? "(none)"
            : string.Join(", ", diagnosis.IdentitiesTried);
        var key = diagnosis.ServerFingerprint is null ? "" : $" ({diagnosis.ServerKeyType} {diagnosis.ServerFingerprint})";
        var message = diagnosis.Failure switch
        {
            ConnectionFailure.HostKeyUnknown =>
                $"{name}: the host key{key} is not in {knownHosts} and ssh.host_key_policy is strict. " +
                $"Check the fingerprint with the host's owner, then accept it with " +
                $"`ssh-keyscan -p {host.Port ?? 22} {host.Host} >> {knownHosts}`, or set `ssh.host_key_policy: accept-new`.",
            ConnectionFailure.HostKeyChanged =>
                $"REFUSING: the host key of {name} has CHANGED{key}. This is a possible man-in-the-middle attack, or the host was " +
                $"reinstalled. If you know why it changed, remove the old key with `ssh-keygen -f {knownHosts} -R \"{keyHost}\"` " +
                "and connect again.",
            ConnectionFailure.AuthenticationFailed =>
                $"{name}: authentication failed ({diagnosis.Detail}). Identities tried: " +
                $"{tried}. " +
                "Check ssh.identity_file, the agent (ssh-add -l) and the remote authorized_keys.",
            ConnectionFailure.Unreachable => $"{name}: host unreachable ({diagnosis.Detail}).",
            ConnectionFailure.Timeout =>
                $"{name}: connection timed out after {settings.ConnectTimeout.TotalSeconds:0.#}s ({diagnosis.Detail}).",
            ConnectionFailure.ConnectionLost => $"{name}: connection lost ({diagnosis.Detail}).",
            _ => $"{name}: ssh failed: {diagnosis.Detail}",
        };
        return new RemoteConnectionException(name, diagnosis.Failure, message);
    }

    public static RemoteConnectionException ConnectionLost(HostConfig host, string command, string detail) =>
        new(host.DisplayName, ConnectionFailure.ConnectionLost,
            $"{host.DisplayName}: connection lost while running `{command}` ({detail}).")
        {
            Reason = detail,
        };
}
