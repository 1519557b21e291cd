using System.Text.RegularExpressions;

namespace Slipway.Remote.Ssh;

/// <summary>What ssh's own log (<c>-E file -v</c>) says about a failed connection or command.</summary>
internal sealed record SshLogDiagnosis(ConnectionFailure Failure, string Detail)
{
    /// <summary>Key type and <c>SHA256:…</c> fingerprint the server offered, when the log shows it.</summary>
    public string? ServerKeyType { get; init; }

    public string? ServerFingerprint { get; init; }

    /// <summary>The identities ssh offered or would have tried (file names), for auth failures.</summary>
    public IReadOnlyList<string> IdentitiesTried { get; init; } = [];
}

/// <summary>
/// Pure parser for OpenSSH client logs. ssh reports everything through exit code 255 plus text, so the text is the
/// only way to tell a changed host key from a dead network; keeping this pure lets us test it on captured samples.
/// </summary>
internal static partial class SshLogClassifier
{
    /// <summary>
    /// A line that proves the remote command itself ended, so 255 was the command's own code: the mux client's, or a
    /// direct connection's (ssh falls back to one when the master has gone, e.g. after ControlPersist ran out).
    /// </summary>
    public static bool HasRemoteExitStatus(string log) =>
        log.Contains("Received exit status from master", StringComparison.Ordinal)
        || log.Contains("rtype exit-status", StringComparison.Ordinal);

    /// <summary>
    /// True once a direct connection's log (-v) shows it logged in. One that failed without it never got in:
    /// host key, authentication or network, which need the connect diagnosis rather than "connection lost".
    /// </summary>
    public static bool IsAuthenticated(string log) => log.Contains("Authenticated to ", StringComparison.Ordinal);

    /// <summary>The line that says why a running command's connection went away, without its debug prefix.</summary>
    public static string LostReason(string log)
    {
        // The most telling marker wins (the list is in that order): a master's log ends with a bare "Exit status -1"
        // after the line that says what happened.
        var lines = log.Split('\n', StringSplitOptions.TrimEntries);
        var line = LostMarkers
            .Select(m => lines.LastOrDefault(l => l.Contains(m, StringComparison.OrdinalIgnoreCase)))
            .FirstOrDefault(l => l is not null);
        return line is null ? LastMeaningfulLine(log) : DebugPrefix().Replace(line, "");
    }

    /// <summary>Classifies a failed connect (master start); text it does not know becomes <see cref="ConnectionFailure.Other"/>.</summary>
    public static SshLogDiagnosis ClassifyConnect(string log)
    {
        var (keyType, fingerprint) = ServerKey(log);
        var detail = LastMeaningfulLine(log);
        ConnectionFailure failure;
        if (log.Contains("REMOTE HOST IDENTIFICATION HAS CHANGED", StringComparison.Ordinal)
            || log.Contains("has changed and you have requested strict checking", StringComparison.Ordinal))
        {
            failure = ConnectionFailure.HostKeyChanged;
        }
        else if (log.Contains("host key is known for", StringComparison.Ordinal)
                 || log.Contains("Host key verification failed", StringComparison.Ordinal))
        {
            failure = ConnectionFailure.HostKeyUnknown;
        }
        else if (log.Contains("Permission denied", StringComparison.Ordinal)
                 || log.Contains("Too many authentication failures", StringComparison.Ordinal))
        {
            failure = ConnectionFailure.AuthenticationFailed;
        }
        else if (Regex.IsMatch(log, "timed out|Operation timed out", RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1)))
        {
            failure = ConnectionFailure.Timeout;
        }
        else if (log.Contains("Connection refused", StringComparison.Ordinal)
                 || log.Contains("No route to host", StringComparison.Ordinal)
                 || log.Contains("Network is unreachable", StringComparison.Ordinal)
                 || log.Contains("Could not resolve hostname", StringComparison.Ordinal)
                 || log.Contains("Name or service not known", StringComparison.Ordinal))
        {
            failure = ConnectionFailure.Unreachable;
        }
        else
        {
            failure = IsConnectionLost(log) ? ConnectionFailure.ConnectionLost : ConnectionFailure.Other;
        }

        return new SshLogDiagnosis(failure, detail)
        {
            ServerKeyType = keyType,
            ServerFingerprint = fingerprint,
            IdentitiesTried = Identities(log),
        };
    }

    /// <summary>
    /// True when an ssh client that exited 255 did so because the connection went away, not because the
    /// remote command exited 255.
    /// </summary>
    public static bool IsConnectionLost(string log) =>
        !HasRemoteExitStatus(log)
        && LostMarkers.Any(m => log.Contains(m, StringComparison.OrdinalIgnoreCase));

    private static readonly string[] LostMarkers =
    [
        "Control master terminated unexpectedly",
        "closed by remote host",
        "Connection reset",
        "Broken pipe",
        "read header failed",
        "Connection closed",
        "Control socket connect",
        "not responding",
        "Exit status -1",
    ];

    private static (string? Type, string? Fingerprint) ServerKey(string log)
    {
        var match = ServerKeyLine().Match(log);
        return match.Success ? (match.Groups["type"].Value, match.Groups["fp"].Value) : (null, null);
    }

    private static List<string> Identities(string log) =>
        [.. OfferedLine().Matches(log).Select(m => m.Groups["file"].Value).Distinct(StringComparer.Ordinal)];

    private static string LastMeaningfulLine(string log)
    {
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("debug", StringComparison.Ordinal) && !l.StartsWith("OpenSSH_", StringComparison.Ordinal)
                        && !l.StartsWith('@') && !l.StartsWith("Transferred:", StringComparison.Ordinal)
                        && !l.StartsWith("Bytes per second", StringComparison.Ordinal))
            .ToList();
        return lines.Count == 0 ? "(ssh logged nothing useful)" : string.Join(" ", lines.TakeLast(2));
    }

    [GeneratedRegex(@"^debug\d: ")]
    private static partial Regex DebugPrefix();

    [GeneratedRegex(@"Server host key: (?<type>\S+) (?<fp>SHA256:\S+)")]
    private static partial Regex ServerKeyLine();

    [GeneratedRegex(@"(?:Will attempt key|Offering public key|Trying private key): (?<file>\S+)")]
    private static partial Regex OfferedLine();
}
