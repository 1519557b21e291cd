using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Slipway.Monitor.Agent;

/// <summary>
/// Sends the spool to monitor serve, oldest first, up to <see cref="BatchSize"/> results per POST; a result leaves the
/// spool only once the server has answered 200 for it. While the server cannot be reached (or answers anything else)
/// it waits 1 s, then twice as long each time, at most 30 s, and tries again; the results stay in the spool meanwhile.
/// One line when an outage begins and one when it ends, not one per try.
/// </summary>
public sealed class AgentSender : IDisposable
{
    public const int BatchSize = 200;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly ResultSpool _spool;
    private readonly Uri _endpoint;
    private readonly string _host;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _signal = new(0, 1);

    /// <param name="spool">What to send.</param>
    /// <param name="server">monitor.agent.url (the route is added to it).</param>
    /// <param name="token">The bearer token, or null.</param>
    /// <param name="host">This host as slipway.yml names it.</param>
    /// <param name="time">The clock for the waits between tries.</param>
    /// <param name="handler">The HTTP handler (tests); null: a plain one.</param>
    public AgentSender(ResultSpool spool, Uri server, string? token, string host, TimeProvider? time = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        _spool = spool ?? throw new ArgumentNullException(nameof(spool));
        _endpoint = new Uri(server.AbsoluteUri.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/"), AgentResultServer.Route.TrimStart('/'));
        _host = host;
        _time = time ?? TimeProvider.System;
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = TimeSpan.FromSeconds(30);
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public Uri Endpoint => _endpoint;

    /// <summary>A line for the console: an outage began or ended.</summary>
    public event Action<string>? Noted;

    /// <summary>Results the server has taken.</summary>
    public long Sent { get; private set; }

    /// <summary>Something was added to the spool.</summary>
    public void Wake()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    /// <summary>Sends until <paramref name="ct"/> is cancelled; what is not sent stays in the spool.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var failures = 0;
        long sentInOutage = 0;
        while (!ct.IsCancellationRequested)
        {
            var batch = _spool.Peek(BatchSize);
            if (batch.Count == 0)
            {
                try
                {
                    await _signal.WaitAsync(ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            var dropped = _spool.Dropped;
            var problem = await TrySendAsync(new AgentBatch { Host = _host, Dropped = dropped, Results = [.. batch.Select(b => b.Result)] }, ct);
            if (ct.IsCancellationRequested)
            {
                return;
            }

            if (problem is null)
            {
                _spool.RemoveThrough(batch[^1].Seq);
                _spool.DroppedReported(dropped);
                Sent += batch.Count;
                if (failures > 0)
                {
                    sentInOutage += batch.Count;
                    if (_spool.Count == 0)
                    {
                        Noted?.Invoke($"{_endpoint.GetLeftPart(UriPartial.Authority)} reached again: sent the {sentInOutage} results kept while it was not");
                        failures = 0;
                        sentInOutage = 0;
                    }
                }

                continue;
            }

            if (failures++ == 0)
            {
                Noted?.Invoke($"cannot send results to {_endpoint}: {problem}; keeping them in {_spool.Directory} until it answers");
            }

            var wait = TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(failures - 1, 10))));
            try
            {
                await Task.Delay(wait, _time, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Null when the server took the batch; else why not.</summary>
    private async Task<string?> TrySendAsync(AgentBatch batch, CancellationToken ct)
    {
        try
        {
            using var response = await _http.PostAsJsonAsync(_endpoint, batch, AgentJsonContext.Default.AgentBatch, ct);
            if (response.IsSuccessStatusCode)
            {
                return null;
            }

            var answer = await ReadAnswerAsync(response, ct);
            return $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}" + (answer?.Error is { } error ? $" ({error})" : "");
        }
        catch (HttpRequestException e)
        {
            return e.Message;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"no answer within {_http.Timeout.TotalSeconds:0} s";
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return "stopping";
        }
    }

    private static async Task<AgentBatchAnswer?> ReadAnswerAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(AgentJsonContext.Default.AgentBatchAnswer, ct);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException or HttpRequestException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _signal.Dispose();
    }
}
