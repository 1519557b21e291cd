using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace Slipway.Supervisor.Health;

/// <summary>
/// The network health checks: a TCP connect, or an HTTP(S) GET whose status must be 2xx or 3xx. An https:// check
/// does not verify the certificate (as Kubernetes' httpGet probes do not): it asks whether the process answers,
/// and local services often run on self-signed or internal certificates. A failed handshake is a failure.
/// </summary>
public static class HealthProbe
{
    /// <summary>Null when healthy, else why not.</summary>
    public static Task<string?> TcpAsync(string hostPort, TimeSpan timeout, CancellationToken ct)
    {
        var colon = hostPort.LastIndexOf(':');
        return TcpAsync(hostPort[..colon].Trim('[', ']'), int.Parse(hostPort[(colon + 1)..], CultureInfo.InvariantCulture), timeout, ct);
    }

    /// <summary>Null when a TCP connection to <paramref name="host"/>:<paramref name="port"/> opens in time, else why not.</summary>
    public static async Task<string?> TcpAsync(string host, int port, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using var socket = await ConnectAsync(host, port, cts.Token);
            return null;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"timed out after {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s";
        }
        catch (SocketException e)
        {
            return Describe(e);
        }
    }

    public static async Task<string?> HttpAsync(string url, TimeSpan timeout, CancellationToken ct)
    {
        var uri = new Uri(url);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using var socket = await ConnectAsync(uri.Host, uri.Port, cts.Token);
            await using var network = new NetworkStream(socket, ownsSocket: false);
            Stream stream = network;
            if (uri.Scheme == Uri.UriSchemeHttps)
            {
                var tls = new SslStream(network, leaveInnerStreamOpen: true);
                stream = tls;
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = uri.IdnHost,
#pragma warning disable CA5359 // a liveness probe of a local process, which sends no secrets: see the class comment
                    RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
                }, cts.Token);
            }

            await using (stream.ConfigureAwait(false))
            {
                var request = $"GET {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\nUser-Agent: slipway-supervise\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(request), cts.Token);
                var buffer = new byte[512];
                var length = 0;
                while (length < buffer.Length)
                {
                    var n = await stream.ReadAsync(buffer.AsMemory(length), cts.Token);
                    if (n == 0)
                    {
                        break;
                    }

                    length += n;
                    if (Array.IndexOf(buffer, (byte)'\n', 0, length) >= 0)
                    {
                        break;
                    }
                }

                return StatusProblem(Encoding.ASCII.GetString(buffer, 0, length));
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"timed out after {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s";
        }
        catch (SocketException e)
        {
            return Describe(e);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return "TLS handshake failed: " + (e.InnerException?.Message ?? e.Message);
        }
    }

    /// <summary>Null for a 2xx/3xx status line, else the problem ("HTTP 503", "no HTTP status line").</summary>
    public static string? StatusProblem(string response)
    {
        var line = response.Split('\n')[0].TrimEnd('\r');
        var parts = line.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/", StringComparison.Ordinal) || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return "no HTTP status line";
        }

        return code is >= 200 and < 400 ? null : "HTTP " + code.ToString(CultureInfo.InvariantCulture);
    }

    private static async Task<Socket> ConnectAsync(string host, int port, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static string Describe(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.ConnectionReset => "connection reset",
        SocketError.HostNotFound => "host not found",
        _ => e.Message,
    };
}
