using System.Security.Cryptography;
using System.Text;
using Slipway.Supervisor.Daemon;
using Slipway.Supervisor.Rpc;
using Slipway.Supervisor.XmlRpc;

namespace Slipway.Supervisor.Http;

/// <summary>
/// supervisord's HTTP surface: Basic auth (401 otherwise), <c>POST /RPC2</c> (XML-RPC; an unparsable body is a
/// 400 as in supervisord, and the connection and daemon carry on), <c>GET /logtail/name[/stdout|stderr]</c> and
/// <c>GET /mainlogtail</c> (chunked, following the file across rotation).
/// </summary>
public sealed class SupervisorHttp(SupervisorRpc rpc, Func<SupervisorDaemon> daemon, string? username, string? password)
{
    private static readonly TimeSpan TailPoll = TimeSpan.FromMilliseconds(200);

    public async Task<bool> HandleAsync(HttpRequest request, HttpResponder responder, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responder);
        if (username is not null && !Authorized(request.Header("authorization")))
        {
            await responder.SendAsync(401, "Unauthorized", "text/html", "<h1>Unauthorized</h1>"u8.ToArray(),
                ["WWW-Authenticate: Basic realm=\"default\""], request.KeepAlive, ct);
            return true;
        }

        var path = request.Target.Split('?')[0];
        if (path == "/RPC2" && request.Method == "POST")
        {
            return await RpcAsync(request, responder, ct);
        }

        if (request.Method == "GET" && path.StartsWith("/logtail/", StringComparison.Ordinal))
        {
            var parts = Uri.UnescapeDataString(path["/logtail/".Length..]).Split('/');
            var channel = parts.Length > 1 ? parts[1] : "stdout";
            string? file = null;
            lock (daemon().Gate)
            {
                var (groupName, processName) = SupervisorRpc.SplitNamespec(parts[0]);
                var process = processName is null ? null : daemon().FindGroup(groupName)?.Find(processName);
                file = channel == "stderr" ? process?.StderrLogFile : process?.StdoutLogFile;
            }

            return await TailAsync(file, request, responder, ct);
        }

        if (request.Method == "GET" && path == "/metrics")
        {
            var text = Metrics.Render(daemon().Snapshot());
            await responder.SendAsync(200, "OK", Metrics.ContentType, Encoding.UTF8.GetBytes(text), null, request.KeepAlive, ct);
            return true;
        }

        if (request.Method == "GET" && path == "/mainlogtail")
        {
            return await TailAsync(daemon().Log.File?.Path, request, responder, ct);
        }

        if (WebUi.Serves(request.Method, path))
        {
            return await new WebUi(rpc, TimeProvider.System).HandleAsync(request, responder, ct);
        }

        await responder.SendAsync(404, "Not Found", "text/html", "<h1>404 Not Found</h1>"u8.ToArray(), null, request.KeepAlive, ct);
        return true;
    }

    /// <summary>An array reply with more items than this is sent in parts (getAllProcessInfo of a big config).</summary>
    private const int StreamItems = 64;

    /// <summary>How much of a reply sent in parts is built before it is written out.</summary>
    private const int PartBytes = 64 * 1024;

    private async Task<bool> RpcAsync(HttpRequest request, HttpResponder responder, CancellationToken ct)
    {
        XmlRpcCall call;
        try
        {
            call = XmlRpcReader.ParseCall(request.Body);
        }
        catch (XmlRpcParseException e)
        {
            daemon().Log.Write("error", $"XML-RPC request data is invalid: unmarshallable ({e.Message})");
            await responder.SendAsync(400, "Bad Request", "text/html", "<h1>400 Bad Request</h1>"u8.ToArray(), null, request.KeepAlive, ct);
            return true;
        }

        using var body = new Utf8Builder(HttpResponder.HeadRoom);
        List<object?>? items = null;
        long length = 0;
        try
        {
            var result = await rpc.CallAsync(call.MethodName, call.Params);
            if (result is List<object?> { Count: > StreamItems } list)
            {
                // Measured now (the Content-Length supervisord sends); a value that cannot be marshalled fails here.
                using var counter = Utf8Builder.Counter();
                XmlRpcWriter.WriteResponse(counter, list);
                (items, length) = (list, counter.Length);
            }
            else
            {
                XmlRpcWriter.WriteResponse(body, result);
            }
        }
        catch (FaultException f)
        {
            body.Clear();
            XmlRpcWriter.WriteFault(body, f.Code, f.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            daemon().Log.Write("critical", $"error handling {call.MethodName}: {e}");
            await responder.SendAsync(500, "Internal Server Error", "text/html", "<h1>500 Internal Server Error</h1>"u8.ToArray(), null, false, ct);
            return false;
        }

        if (items is not null)
        {
            return await SendInPartsAsync(items, length, body, request.KeepAlive, responder, ct);
        }

        await responder.SendAsync(200, "OK", "text/xml", body, null, request.KeepAlive, ct);
        return true;
    }

    /// <summary>
    /// A large array reply, <paramref name="length"/> bytes in all: built and written <see cref="PartBytes"/> at a time
    /// into the same few chunks, so a slow reader (a Python client parses as it reads) holds tens of kilobytes of the
    /// daemon's memory rather than the whole reply, however many read at once.
    /// </summary>
    private async Task<bool> SendInPartsAsync(List<object?> items, long length, Utf8Builder part, bool keepAlive, HttpResponder responder, CancellationToken ct)
    {
        var head = HttpResponder.Head(200, "OK", "text/xml", length, null, keepAlive);
        long written = 0;
        XmlRpcWriter.WriteResponseStart(part);
        XmlRpcWriter.WriteArrayStart(part);
        foreach (var item in items)
        {
            XmlRpcWriter.WriteValue(part, item);
            if (part.Length >= PartBytes)
            {
                written += part.Length;
                await responder.SendPartAsync(head, part, ct);
                head = null;
                part.Clear();
            }
        }

        XmlRpcWriter.WriteArrayEnd(part);
        XmlRpcWriter.WriteResponseEnd(part);
        written += part.Length;
        if (written != length)
        {
            // Cannot happen (both passes write the same values); if it did, a short body must not pass for a whole one.
            daemon().Log.Write("critical", $"reply of {written} bytes announced as {length}: connection closed");
            return false;
        }

        await responder.SendPartAsync(head, part, ct);
        return true;
    }

    private static async Task<bool> TailAsync(string? file, HttpRequest request, HttpResponder responder, CancellationToken ct)
    {
        if (file is null || !File.Exists(file))
        {
            await responder.SendAsync(404, "Not Found", "text/html", "<h1>404 Not Found</h1>"u8.ToArray(), null, request.KeepAlive, ct);
            return true;
        }

        await responder.StartChunkedAsync("text/plain;charset=utf-8", ["X-Accel-Buffering: no"], ct);
        var length = new FileInfo(file).Length;
        var position = Math.Max(0, length - 1024);
        var buffer = new byte[64 * 1024];
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var f = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                if (f.Length < position)
                {
                    position = 0; // rotated or truncated: follow the new file from its start
                }

                f.Seek(position, SeekOrigin.Begin);
                int n;
                while ((n = await f.ReadAsync(buffer, ct)) > 0)
                {
                    await responder.ChunkAsync(buffer.AsMemory(0, n), ct);
                    position += n;
                }
            }
            catch (FileNotFoundException)
            {
                position = 0; // between rotation's rename and the new file
            }

            await Task.Delay(TailPoll, ct);
        }

        return false;
    }

    private bool Authorized(string? header)
    {
        if (header is null || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || decoded[..colon] != username)
        {
            return false;
        }

        var given = decoded[(colon + 1)..];
        if (password!.StartsWith("{SHA}", StringComparison.Ordinal))
        {
#pragma warning disable CA5350 // supervisord's {SHA} password format is SHA-1 by definition
            var hex = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(given)));
#pragma warning restore CA5350
            return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(hex), Encoding.ASCII.GetBytes(password[5..].ToLowerInvariant()));
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(password));
    }
}
