using System.Globalization;
using System.Net;

namespace Slipway.Core.Net;

/// <summary>
/// A server's listen address as flags and slipway.yml write it: <c>HOST:PORT</c> with an IP (<c>127.0.0.1:8515</c>,
/// <c>[::1]:8515</c>), <c>localhost</c> (127.0.0.1), or <c>*</c>/nothing for every interface (<c>:8515</c>). Pure.
/// </summary>
public static class ListenAddress
{
    /// <summary>The endpoint, or null with <paramref name="error"/> saying what is wrong.</summary>
    public static IPEndPoint? Parse(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        error = null;
        var colon = text.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            error = $"'{text}' is not HOST:PORT (such as 127.0.0.1:8515, or 0.0.0.0:8515 for every interface)";
            return null;
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (host.Length == 0 || host == "*")
        {
            return new IPEndPoint(IPAddress.Any, port);
        }

        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        if (IPAddress.TryParse(host, out var address))
        {
            return new IPEndPoint(address, port);
        }

        error = $"'{host}' in '{text}' is not an IP address (listen addresses are IPs, such as 127.0.0.1 or 0.0.0.0)";
        return null;
    }
}
