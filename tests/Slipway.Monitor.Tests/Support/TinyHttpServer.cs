using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Slipway.Monitor.Tests.Support;

/// <summary>
/// A real HTTP/1.x server on 127.0.0.1 for check_http and the HTTP check: "/" is 200 with a known body, "/missing" 404,
/// "/broken" 500, "/moved" 302; every answer closes the connection.
/// </summary>
internal sealed class TinyHttpServer : IAsyncDisposable
{
    public const string Body = "<html>slipway is healthy</html>";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private readonly X509Certificate2? _certificate;

    /// <param name="certificate">Serve HTTPS with this certificate (and its private key).</param>
    public TinyHttpServer(X509Certificate2? certificate = null)
    {
        _certificate = certificate;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = AcceptAsync();
    }

    public int Port { get; }

    public int Requests => Volatile.Read(ref _requests);

    private int _requests;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                Stream stream = client.GetStream();
                if (_certificate is not null)
                {
                    var tls = new SslStream(stream);
                    await tls.AuthenticateAsServerAsync(_certificate);
                    stream = tls;
                }

                var request = new StringBuilder();
                var buffer = new byte[4096];
                while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }

                Interlocked.Increment(ref _requests);
                var path = request.ToString().Split(' ')[1];
                var (status, body) = path switch
                {
                    "/" => ("200 OK", Body),
                    "/missing" => ("404 Not Found", "no such page"),
                    "/broken" => ("500 Internal Server Error", "it broke"),
                    "/moved" => ("302 Found", ""),
                    _ => ("404 Not Found", "no such page"),
                };
                var bytes = Encoding.UTF8.GetBytes(body);
                var head = $"HTTP/1.1 {status}\r\nContent-Type: text/html\r\nContent-Length: {bytes.Length}\r\n" +
                    (path == "/moved" ? "Location: /\r\n" : "") + "Connection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                await stream.WriteAsync(bytes, _stop.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException
                or System.Security.Authentication.AuthenticationException)
            {
                // The client went away; nothing to answer.
            }
        }
    }
}
