using System.Globalization;

namespace Slipway.Monitor.Checks;

/// <summary>
/// One HTTP(S) GET on a fresh connection (a pooled one could hide a server that stopped accepting), judged like
/// check_http: the status, the text the body must hold, the ranges on the response time, and for HTTPS the days
/// until the server certificate expires.
/// </summary>
public sealed class HttpCheck(HttpCheckOptions options, TimeProvider? timeProvider = null) : ICheck
{
    /// <summary>Body bytes read at most (enough for any health page; the size perfdata counts only these).</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    private readonly HttpCheckOptions _options = options ?? throw new ArgumentNullException(nameof(options));
    private readonly Thresholds _thresholds = Thresholds.Parse(options.Warning, options.Critical);
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    public Task<CheckResult> RunAsync(TimeSpan timeout, CancellationToken ct) =>
        BuiltInCheck.RunAsync("HTTP", timeout, _time, token => ProbeAsync(timeout, token), ct);

    private async Task<CheckResult> ProbeAsync(TimeSpan timeout, CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        var certificate = new CertificateWatch(_options.VerifyCertificate);
        using var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false, // as check_http: the target is reached directly
            PooledConnectionLifetime = TimeSpan.Zero,
        };
        handler.SslOptions.RemoteCertificateValidationCallback = certificate.Validate;
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, _options.Url);
        request.Headers.ConnectionClose = true;
        request.Headers.UserAgent.ParseAdd("slipway-monitor");
        HttpResponseMessage? response = null;
        byte[] body;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            body = await ReadCappedAsync(response, ct);
        }
        catch (HttpRequestException e)
        {
            response?.Dispose();
            var why = certificate.Rejection is { } rejected ? $"certificate not trusted ({rejected})" : e.Message;
            return new CheckResult
            {
                State = ServiceState.Critical,
                Output = BuiltInCheck.Line("HTTP", ServiceState.Critical, $"{_options.Url}: {why}"),
            };
        }

        using (response)
        {
            var seconds = _time.GetElapsedTime(started).TotalSeconds;
            var status = (int)response.StatusCode;
            var (state, problem) = JudgeStatus(status);
            if (state == ServiceState.Ok && _options.BodyContains is { } expected
                && !System.Text.Encoding.UTF8.GetString(body).Contains(expected, StringComparison.Ordinal))
            {
                (state, problem) = (ServiceState.Critical, $"string '{expected}' not found");
            }

            state = ServiceStates.Worst(state, _thresholds.Evaluate(seconds));
            var line = string.Create(CultureInfo.InvariantCulture,
                $"HTTP/{response.Version} {status} {response.ReasonPhrase} - {body.Length} bytes in {BuiltInCheck.Seconds(seconds)} second response time");
            List<PerfDatum> perfData =
            [
                new PerfDatum("time", seconds, "s", _options.Warning, _options.Critical, 0, timeout.TotalSeconds),
                new PerfDatum("size", body.Length, "B", Min: 0),
            ];
            if (certificate.NotAfter is { } notAfter)
            {
                var (certificateState, days) = JudgeCertificate(notAfter);
                state = ServiceStates.Worst(state, certificateState);
                line += string.Create(CultureInfo.InvariantCulture, $" - certificate expires in {Math.Floor(days):0} days ({notAfter:yyyy-MM-dd HH:mm} UTC)");
                perfData.Add(new PerfDatum("certificate_days", Math.Floor(days), "",
                    _options.CertificateWarningDays is { } w ? $"{w}:" : null,
                    _options.CertificateCriticalDays is { } c ? $"{c}:" : null));
            }

            return new CheckResult
            {
                State = state,
                Output = BuiltInCheck.Line("HTTP", state, problem is null ? line : $"{problem} - {line}"),
                PerfData = perfData,
            };
        }
    }

    /// <summary>Days until the server certificate's NotAfter, judged by the warning and critical day counts.</summary>
    private (ServiceState State, double Days) JudgeCertificate(DateTimeOffset notAfter)
    {
        var days = (notAfter - _time.GetUtcNow()).TotalDays;
        var state = days < _options.CertificateCriticalDays ? ServiceState.Critical
            : days < _options.CertificateWarningDays ? ServiceState.Warning
            : ServiceState.Ok;
        return (state, days);
    }

    private (ServiceState State, string? Problem) JudgeStatus(int status)
    {
        if (_options.ExpectStatus.Count > 0)
        {
            return _options.ExpectStatus.Contains(status)
                ? (ServiceState.Ok, null)
                : (ServiceState.Critical, $"status {status}, expected {string.Join(" or ", _options.ExpectStatus)}");
        }

        return status switch
        {
            < 400 => (ServiceState.Ok, null),
            < 500 => (ServiceState.Warning, $"status {status}"),
            _ => (ServiceState.Critical, $"status {status}"),
        };
    }

    private static async Task<byte[]> ReadCappedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while (buffer.Length < MaxBodyBytes && (read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            await buffer.WriteAsync(chunk.AsMemory(0, (int)Math.Min(read, MaxBodyBytes - buffer.Length)), ct);
        }

        return buffer.ToArray();
    }

    internal static bool IsValidUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
