using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Slipway.Core.Logging;

namespace Slipway.Cli.Commands.Queue;

/// <summary>
/// Sends central-log events to <c>slipway logs serve</c>'s intake (<c>POST URL/api/logs</c>, JSON lines, bearer token)
/// from a background loop, in batches, so a worker never waits on the logs server. A batch the server does not take is
/// tried three times, a second apart, then dropped with a warning (the job's store keeps its error and output anyway).
/// At most 10,000 events wait; past that the oldest are dropped. <see cref="DisposeAsync"/> sends what is left, for up
/// to 5 seconds.
/// </summary>
internal sealed class LogsSender : ICentralLog, IAsyncDisposable
{
    private const int MaxBatch = 500;
    private static readonly TimeSpan FlushLimit = TimeSpan.FromSeconds(5);

    private readonly Uri _intake;
    private readonly HttpClient _http;
    private readonly Action<string> _warn;
    private readonly Channel<CentralLogEvent> _events =
        Channel.CreateBounded<CentralLogEvent>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly CancellationTokenSource _abort = new();
    private readonly Task _loop;

    public LogsSender(string baseUrl, string? token, Action<string> warn)
    {
        _intake = new Uri(baseUrl.TrimEnd('/') + "/api/logs");
        _warn = warn;
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Where the events go, for messages.</summary>
    public Uri Intake => _intake;

    public void Write(CentralLogEvent logEvent) => _events.Writer.TryWrite(logEvent);

    private async Task LoopAsync()
    {
        var batch = new List<CentralLogEvent>();
        try
        {
            while (await _events.Reader.WaitToReadAsync(_abort.Token))
            {
                while (batch.Count < MaxBatch && _events.Reader.TryRead(out var next))
                {
                    batch.Add(next);
                }

                await SendAsync(batch);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // Disposed past the flush limit: what is left is dropped.
        }
    }

    private async Task SendAsync(List<CentralLogEvent> batch)
    {
        var body = Lines(batch);
        string? problem = null;
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            try
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/x-ndjson");
                using var response = await _http.PostAsync(_intake, content, _abort.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                problem = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !_abort.IsCancellationRequested))
            {
                problem = e.Message;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), _abort.Token);
        }

        _warn($"the logs server at {_intake} did not take {batch.Count} failed-job event(s) ({problem}); they stay in the queue's store only");
    }

    /// <summary>One JSON object per line, in the intake's field names.</summary>
    internal static string Lines(IEnumerable<CentralLogEvent> events)
    {
        // Written field by field (no reflection), so the native build needs no serializer metadata.
        using var buffer = new MemoryStream();
        foreach (var e in events)
        {
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("time", e.Time.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                json.WriteString("host", e.Host ?? Environment.MachineName);
                json.WriteString("program", e.Program);
                json.WriteString("severity", e.Severity);
                json.WriteString("msgid", e.MsgId);
                json.WriteString("message", e.Message);
                json.WriteEndObject();
            }

            buffer.WriteByte((byte)'\n');
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        _events.Writer.TryComplete();
        if (await Task.WhenAny(_loop, Task.Delay(FlushLimit)) != _loop)
        {
            await _abort.CancelAsync();
        }

        await _loop;
        _abort.Dispose();
        _http.Dispose();
    }
}
