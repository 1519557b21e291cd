using System.Net;
using System.Net.Sockets;

namespace Slipway.Testing;

/// <summary>Ports for the servers tests start on loopback.</summary>
public static class FreePorts
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A TCP port on 127.0.0.1 that was free a moment ago (the kernel's pick for port 0), and never one this test
    /// process was given before: the kernel may pick a closed probe's port again, and two servers started in parallel
    /// on the same port would each seem up (the check connects to whichever bound it).
    /// </summary>
    public static int Tcp()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
