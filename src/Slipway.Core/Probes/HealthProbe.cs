using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace Slipway.Core.Probes;

/// <summary>One attempt of a health probe: healthy when <see cref="Error"/> is null; <see cref="Status"/> is the HTTP status seen, if any.</summary>
public sealed record ProbeResult(int? Status, string? Error)
{
    public bool Healthy => Error is null;
}

/// <summary>
/// The one health probe of Slipway, used by the recipes' <c>health:</c> checks (through <c>slipway agent health</c>)
/// and by supervise's <c>healthcheck=</c>. Success means:
/// <list type="bullet">
/// <item>TCP: a connection opens within the time-out.</item>
/// <item>HTTP(S): a GET (redirects not followed) answers within the time-out with the expected status when one is
/// given, else with any 2xx or 3xx; and, when a text is given, the body contains it.</item>
/// </list>
/// The probe speaks HTTP/1.1 over a socket of its own (no HttpClient: the Native AOT daemon stays small). An
/// https:// probe verifies the certificate only when asked: supervise's checks ask whether a local process answers
/// (as Kubernetes' httpGet probes, which do not verify), and local services often run on self-signed certificates.
/// </summary>
public static class HealthProbe
{
    private const int MaxBody = 1 << 20;

    /// <summary><c>host:port</c> (or <c>[v6]:port</c>) split, or null when it is not one.</summary>
    public static (string Host, int Port)? SplitHostPort(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return null;
        }

        return (text[..colon].Trim('[', ']'), port);
    }

    /// <summary>Whether <paramref name="status"/> means healthy: equal to <paramref name="expect"/> when given, else 2xx or 3xx.</summary>
    public static string? StatusProblem(int status, int? expect)
    {
        var code = status.ToString(CultureInfo.InvariantCulture);
        return expect switch
        {
            { } wanted when status != wanted => $"HTTP {code}, expected {wanted.ToString(CultureInfo.InvariantCulture)}",
            null when status is < 200 or >= 400 => "HTTP " + code,
            _ => null,
        };
    }

    /// <summary>"10s", "1.5s", "500ms".</summary>
    public static string Format(TimeSpan t) =>
        t.TotalSeconds >= 1 ? t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s" : t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + "ms";

    /// <summary>A TCP connection to <paramref name="host"/>:<paramref name="port"/> opens in time.</summary>
    public static async Task<ProbeResult> TcpAsync(string host, int port, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using var socket = await ConnectAsync(host, port, cts.Token);
            return new ProbeResult(null, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new ProbeResult(null, "no answer within " + Format(timeout));
        }
        catch (SocketException e)
        {
            return new ProbeResult(null, Describe(e));
        }
    }

    /// <summary>A GET of <paramref name="url"/>; see the class comment for what succeeds.</summary>
    public static async Task<ProbeResult> HttpAsync(Uri url, int? expect, string? contains, TimeSpan timeout, bool verifyCertificate, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(url);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using var socket = await ConnectAsync(url.Host, url.Port, cts.Token);
            await using var network = new NetworkStream(socket, ownsSocket: false);
            Stream stream = network;
            if (url.Scheme == Uri.UriSchemeHttps)
            {
                var tls = new SslStream(network, leaveInnerStreamOpen: true);
                stream = tls;
                var options = new SslClientAuthenticationOptions { TargetHost = url.IdnHost };
                if (!verifyCertificate)
                {
#pragma warning disable CA5359 // a liveness probe of a local process, which sends no secrets: see the class comment
                    options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
                }

                await tls.AuthenticateAsClientAsync(options, cts.Token);
            }

            await using (stream.ConfigureAwait(false))
            {
                var request = $"GET {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nUser-Agent: slipway-probe\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(request), cts.Token);
                var response = await ReadAsync(stream, wholeResponse: contains is not null, cts.Token);
                return Judge(response, expect, contains);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new ProbeResult(null, "no answer within " + Format(timeout));
        }
        catch (SocketException e)
        {
            return new ProbeResult(null, Describe(e));
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return new ProbeResult(null, "TLS handshake failed: " + (e.InnerException?.Message ?? e.Message));
        }
    }

    /// <summary>The verdict on a raw response (its status line and, when <paramref name="contains"/> is given, its body).</summary>
    public static ProbeResult Judge(byte[] response, int? expect, string? contains)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = Encoding.UTF8.GetString(response);
        var line = text.Split('\n')[0].TrimEnd('\r');
        var parts = line.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/", StringComparison.Ordinal)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            return new ProbeResult(null, "no HTTP status line");
        }

        if (StatusProblem(status, expect) is { } problem)
        {
            return new ProbeResult(status, problem);
        }

        return contains is not null && !Body(text).Contains(contains, StringComparison.Ordinal)
            ? new ProbeResult(status, $"HTTP {status.ToString(CultureInfo.InvariantCulture)} but the body does not contain '{contains}'")
            : new ProbeResult(status, null);
    }

    /// <summary>
    /// The status line only, or the whole response (up to 1 MiB) when the body matters: to its Content-Length, its
    /// last chunk, or the end of the connection (a server may keep the connection open despite <c>Connection: close</c>).
    /// </summary>
    private static async Task<byte[]> ReadAsync(Stream stream, bool wholeResponse, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[wholeResponse ? 16384 : 512];
        while (buffer.Length < (wholeResponse ? MaxBody : chunk.Length))
        {
            var n = await stream.ReadAsync(chunk, ct);
            if (n == 0)
            {
                break;
            }

            await buffer.WriteAsync(chunk.AsMemory(0, n), ct);
            if (wholeResponse ? IsComplete(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) : Array.IndexOf(chunk, (byte)'\n', 0, n) >= 0)
            {
                break;
            }
        }

        return buffer.ToArray();
    }

    private static bool IsComplete(ReadOnlySpan<byte> response)
    {
        var end = response.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return false;
        }

        var headers = Encoding.ASCII.GetString(response[..end]);
        foreach (var header in headers.Split("\r\n"))
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && header[..colon].Trim().Equals("content-length", StringComparison.OrdinalIgnoreCase)
                && long.TryParse(header[(colon + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                return response.Length - (end + 4) >= length;
            }
        }

        return headers.Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase) && response.EndsWith("0\r\n\r\n"u8);
    }

    /// <summary>The body after the headers, de-chunked when the server sent it chunked.</summary>
    private static string Body(string response)
    {
        var end = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return "";
        }

        var headers = response[..end];
        var body = response[(end + 4)..];
        if (headers.Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            var plain = new StringBuilder();
            var at = 0;
            while (at < body.Length)
            {
                var eol = body.IndexOf("\r\n", at, StringComparison.Ordinal);
                if (eol < 0 || !int.TryParse(body.AsSpan(at, eol - at).ToString().Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size) || size == 0)
                {
                    break;
                }

                var start = eol + 2;
                plain.Append(body, start, Math.Min(size, body.Length - start));
                at = start + size + 2;
            }

            return plain.ToString();
        }

        return body;
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

    /// <summary>
    /// Tries <paramref name="attempt"/> until it succeeds or <paramref name="retries"/> attempts have failed, pausing
    /// <paramref name="interval"/> between attempts on the given clock. Failures within <paramref name="startPeriod"/>
    /// of the first attempt do not count against <paramref name="retries"/> (a slow starter is waited for).
    /// </summary>
    public static async Task<(ProbeResult Last, int Attempts)> RetryAsync(Func<CancellationToken, Task<ProbeResult>> attempt, int retries,
        TimeSpan interval, TimeSpan startPeriod, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentNullException.ThrowIfNull(time);
        var began = time.GetTimestamp();
        var last = new ProbeResult(null, "not tried");
        var attempts = 0;
        var counted = 0;
        while (true)
        {
            attempts++;
            last = await attempt(ct);
            if (last.Healthy)
            {
                return (last, attempts);
            }

            if (time.GetElapsedTime(began) >= startPeriod)
            {
                counted++;
            }

            if (counted >= retries)
            {
                return (last, attempts);
            }

            await Task.Delay(interval, time, ct);
        }
    }
}
