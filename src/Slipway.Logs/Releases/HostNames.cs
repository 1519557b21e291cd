namespace Slipway.Logs.Releases;

/// <summary>
/// Matching the host a log event names (a syslog HOSTNAME, usually the short host name) with a host as slipway.yml names
/// it (<c>deploy@web1.example.com:2222</c>, <c>[::1]:22</c>): user, port and brackets never count, and a short name
/// matches the first label of a dotted name. Addresses are compared whole.
/// </summary>
public static class HostNames
{
    public static bool Same(string configured, string logged)
    {
        ArgumentNullException.ThrowIfNull(configured);
        ArgumentNullException.ThrowIfNull(logged);
        var a = Bare(configured);
        var b = Bare(logged);
        if (string.Equals(a, b, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return !IsAddress(a) && !IsAddress(b) && string.Equals(FirstLabel(a), FirstLabel(b), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The host part alone: no <c>user@</c>, no <c>:port</c>, no IPv6 brackets.</summary>
    public static string Bare(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var name = host[(host.LastIndexOf('@') + 1)..];
        if (name.StartsWith('['))
        {
            var close = name.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? name[1..close] : name.TrimStart('[');
        }

        // One colon is a port; more are an IPv6 address without brackets.
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 && colon == name.LastIndexOf(':') ? name[..colon] : name;
    }

    private static bool IsAddress(string host) => System.Net.IPAddress.TryParse(host, out _);

    private static string FirstLabel(string host) => host.Split('.', 2)[0];
}
