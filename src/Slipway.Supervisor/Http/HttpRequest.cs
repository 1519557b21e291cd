namespace Slipway.Supervisor.Http;

/// <summary>One parsed HTTP/1.x request.</summary>
public sealed record HttpRequest(string Method, string Target, string Version, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.GetValueOrDefault(name.ToLowerInvariant());

    public bool KeepAlive
    {
        get
        {
            var connection = Header("connection")?.ToLowerInvariant();
            return Version == "HTTP/1.1" ? connection != "close" : connection == "keep-alive";
        }
    }
}

/// <summary>Parses request heads; pure, so tests can feed it the odd bytes supervisorctl sends.</summary>
public static class HttpParser
{
    /// <summary>
    /// Finds a complete head in <paramref name="data"/> (leading blank lines skipped: supervisorctl's tail client
    /// sends an extra CRLF). Returns null when more bytes are needed.
    /// </summary>
    public static (HttpRequest Request, int HeadLength, int ContentLength)? TryParseHead(ReadOnlySpan<byte> data)
    {
        var start = 0;
        while (start + 1 < data.Length && data[start] == '\r' && data[start + 1] == '\n')
        {
            start += 2;
        }

        var end = data[start..].IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            if (data.Length > 64 * 1024)
            {
                throw new FormatException("request head too large");
            }

            return null;
        }

        var head = System.Text.Encoding.Latin1.GetString(data.Slice(start, end));
        var lines = head.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/", StringComparison.Ordinal))
        {
            throw new FormatException("bad request line");
        }

        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new FormatException("bad header line");
            }

            headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }

        var length = 0;
        if (headers.TryGetValue("content-length", out var cl) &&
            (!int.TryParse(cl, System.Globalization.CultureInfo.InvariantCulture, out length) || length < 0 || length > 64 * 1024 * 1024))
        {
            throw new FormatException("bad content-length");
        }

        return (new HttpRequest(requestLine[0], requestLine[1], requestLine[2], headers, []), start + end + 4, length);
    }
}
