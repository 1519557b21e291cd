using System.Security.Cryptography;
using System.Text;

namespace Slipway.Remote.Ssh;

/// <summary>
/// Names a persisted control socket (<c>ssh.control_persist</c>) so that a master is only ever reused by a run that
/// would have opened the very same connection: <c>DEST-SETTINGS</c>, where DEST digests the destination (user,
/// host name, port) and SETTINGS digests ssh's whole effective configuration for the host (<c>ssh -G</c>: our options,
/// ssh_config, its Includes and Match blocks) together with the contents of the known_hosts files it names.
/// </summary>
/// <remarks>
/// Why the known_hosts contents: a mux client never checks the host key (the master did, once, when it connected),
/// so a master opened before a key was removed, revoked or replaced in known_hosts would keep serving a host that
/// a fresh connection refuses. With the contents in the name, any change to those files means a new master; the old
/// one is never used again and ends after control_persist (or at once with <c>slipway ssh close</c>).
/// The DEST prefix lets <c>slipway ssh close</c> find every master for a host, whatever settings opened it.
/// Pure, so it is tested alone.
/// </remarks>
internal static class ControlSocketName
{
    /// <param name="effectiveConfig">The output of <c>ssh -G</c> for the host, with our options.</param>
    /// <param name="knownHosts">Each known_hosts file <paramref name="effectiveConfig"/> names, with its contents (null: missing).</param>
    public static string For(string effectiveConfig, IEnumerable<(string Path, string? Content)> knownHosts)
    {
        ArgumentNullException.ThrowIfNull(knownHosts);
        var settings = new StringBuilder(effectiveConfig);
        foreach (var (path, content) in knownHosts)
        {
            settings.Append('\0').Append(path).Append('\0').Append(content ?? "(missing)");
        }

        return DestinationPrefix(effectiveConfig) + Digest(settings.ToString(), 16);
    }

    /// <summary><c>DEST-</c>: what every socket for this user, host and port starts with.</summary>
    public static string DestinationPrefix(string effectiveConfig)
    {
        var destination = $"{Value(effectiveConfig, "user")}@{Value(effectiveConfig, "hostname")}:{Value(effectiveConfig, "port")}";
        return Digest(destination, 12) + "-";
    }

    /// <summary>The known_hosts files ssh reads for the host (user's, then global), as ssh -G prints them.</summary>
    public static IReadOnlyList<string> KnownHostsFiles(string effectiveConfig) =>
        [.. Values(effectiveConfig, "userknownhostsfile").Concat(Values(effectiveConfig, "globalknownhostsfile"))
            .SelectMany(v => v.Split(' ', StringSplitOptions.RemoveEmptyEntries))];

    private static string Value(string effectiveConfig, string key) => Values(effectiveConfig, key).FirstOrDefault() ?? "";

    private static IEnumerable<string> Values(string effectiveConfig, string key) =>
        effectiveConfig.Split('\n')
            .Where(line => line.Length > key.Length && line[key.Length] == ' ' && line.StartsWith(key, StringComparison.OrdinalIgnoreCase))
            .Select(line => line[(key.Length + 1)..].Trim());

    private static string Digest(string text, int hexDigits) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..hexDigits];
}
