using System.Net.Sockets;
using System.Text;
using Slipway.Supervisor.XmlRpc;

namespace Slipway.Supervisor.Http;

/// <summary>Writes a response (or streams one) on the connection of one request.</summary>
public sealed class HttpResponder(Socket socket)
{
    public bool Closed { get; private set; }

    /// <summary>Room to keep in front of a body built with <see cref="Utf8Builder"/>, for the head.</summary>
    public const int HeadRoom = 512;

    public async Task SendAsync(int status, string reason, string contentType, ReadOnlyMemory<byte> body, IEnumerable<string>? extraHeaders, bool keepAlive, CancellationToken ct)
    {
        using var message = new Utf8Builder(HeadRoom);
        message.Append(body.Span);
        await SendAsync(status, reason, contentType, message, extraHeaders, keepAlive, ct);
    }

    /// <summary>
    /// Sends <paramref name="body"/> (best built with <see cref="HeadRoom"/> in front) with its head in one write.
    /// </summary>
    public async Task SendAsync(int status, string reason, string contentType, Utf8Builder body, IEnumerable<string>? extraHeaders, bool keepAlive, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        await SendPartAsync(Head(status, reason, contentType, body.Length, extraHeaders, keepAlive), body, ct);
    }

    /// <summary>
    /// Sends one part of a body whose head (<see cref="Head"/>, with the whole length) goes before the first part:
    /// pass it with that part and null with the others. The part can be cleared and reused afterwards.
    /// </summary>
    public async Task SendPartAsync(byte[]? head, Utf8Builder part, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(part);
        if (head is not null && !part.TryPrepend(head))
        {
            await socket.SendAsync(head, SocketFlags.None, ct);
        }

        var segments = part.Segments;
        if (segments.Count == 1)
        {
            await socket.SendAsync(segments[0].AsMemory(), SocketFlags.None, ct);
        }
        else
        {
            // One gathered write (sendmsg) of every chunk; it completes once all of it is sent. On cancellation the
            // connection is closed by the caller, which ends the write.
            await socket.SendAsync(segments, SocketFlags.None).WaitAsync(ct);
        }
    }

    /// <summary>A response head in supervisord's (medusa's) form, with the Date: RFC 9110 asks of a server with a clock.</summary>
    public static byte[] Head(int status, string reason, string contentType, long contentLength, IEnumerable<string>? extraHeaders, bool keepAlive)
    {
        var head = new StringBuilder(160);
        head.Append("HTTP/1.1 ").Append(status).Append(' ').Append(reason).Append("\r\n");
        head.Append("Server: Medusa/1.12\r\nDate: ").Append(HttpDate.System.Now).Append("\r\nContent-Type: ").Append(contentType).Append("\r\nContent-Length: ").Append(contentLength).Append("\r\n");
        foreach (var h in extraHeaders ?? [])
        {
            head.Append(h).Append("\r\n");
        }

        head.Append(keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n");
        return Encoding.ASCII.GetBytes(head.ToString());
    }

    /// <summary>Starts a chunked response; then <see cref="ChunkAsync"/> for each piece.</summary>
    public async Task StartChunkedAsync(string contentType, IEnumerable<string> extraHeaders, CancellationToken ct)
    {
        var head = "HTTP/1.1 200 OK\r\nServer: Medusa/1.12\r\nDate: " + HttpDate.System.Now + "\r\nContent-Type: " + contentType + "\r\nTransfer-Encoding: chunked\r\n" +
            string.Concat(extraHeaders.Select(h => h + "\r\n")) + "\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(head), SocketFlags.None, ct);
    }

    public async Task ChunkAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        if (data.Length == 0)
        {
            return;
        }

        var prefix = Encoding.ASCII.GetBytes(data.Length.ToString("x", System.Globalization.CultureInfo.InvariantCulture) + "\r\n");
        var all = new byte[prefix.Length + data.Length + 2];
        prefix.CopyTo(all, 0);
        data.Span.CopyTo(all.AsSpan(prefix.Length));
        all[^2] = (byte)'\r';
        all[^1] = (byte)'\n';
        await socket.SendAsync(all, SocketFlags.None, ct);
    }

    public void MarkClosed() => Closed = true;
}

/// <summary>Handles one request; return false to close the connection afterwards.</summary>
public delegate Task<bool> HttpHandler(HttpRequest request, HttpResponder responder, CancellationToken ct);

/// <summary>
/// A small HTTP/1.1 server (keep-alive, Content-Length bodies, chunked streaming) on a listening socket, unix or
/// TCP. Small on purpose: supervisorctl and xmlrpclib clients need nothing more, and it keeps the daemon's
/// memory and start-up far below an ASP.NET Core host.
/// </summary>
public sealed class HttpServer(Socket listener, HttpHandler handler) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _accepting;

    public void Start() => _accepting = AcceptLoopAsync();

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            if (client.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            {
                client.NoDelay = true; // a reply is one write; never let Nagle hold it for a delayed ACK
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        var buffer = new byte[16 * 1024];
        var filled = 0;
        var ct = _stop.Token;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                (HttpRequest Request, int HeadLength, int ContentLength)? head;
                while ((head = HttpParser.TryParseHead(buffer.AsSpan(0, filled))) is null)
                {
                    if (filled == buffer.Length)
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }

                    var n = await client.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, ct);
                    if (n == 0)
                    {
                        return;
                    }

                    filled += n;
                }

                var (request, headLength, contentLength) = head.Value;
                var needed = headLength + contentLength;
                if (buffer.Length < needed)
                {
                    Array.Resize(ref buffer, needed);
                }

                while (filled < needed)
                {
                    var n = await client.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, ct);
                    if (n == 0)
                    {
                        return;
                    }

                    filled += n;
                }

                request = request with { Body = buffer[headLength..needed] };
                Buffer.BlockCopy(buffer, needed, buffer, 0, filled - needed);
                filled -= needed;
                var responder = new HttpResponder(client);
                if (!await handler(request, responder, ct) || !request.KeepAlive)
                {
                    return;
                }
            }
        }
        catch (FormatException)
        {
            try
            {
                await new HttpResponder(client).SendAsync(400, "Bad Request", "text/html", "<h1>400 Bad Request</h1>"u8.ToArray(), null, false, ct);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // the client went away
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // the client went away, or we are stopping
        }
        finally
        {
            client.Dispose();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        listener.Dispose();
        _stop.Dispose();
        _ = _accepting;
    }
}
