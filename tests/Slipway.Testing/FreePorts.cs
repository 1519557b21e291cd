using System.Net;
using System.Net.Sockets;

namespace Slipway.Testing;

/// <summary>Ports for the servers tests start on loopback.</summary>
public static class FreePorts
{
    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago (the kernel's pick for port 0).</summary>
    public static int Tcp()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
