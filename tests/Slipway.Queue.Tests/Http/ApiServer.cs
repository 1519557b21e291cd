using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Slipway.Queue.Http;
using Slipway.Testing;

namespace Slipway.Queue.Tests.Http;

/// <summary>
/// A queue HTTP server on 127.0.0.1 (a free port) over a store (a SQLite file in a temp dir unless a URL is given), on
/// a fake clock, and a client.
/// </summary>
internal sealed class ApiServer : IAsyncDisposable
{
    public const string Token = "s3cret-token";

    private readonly TempDir _dir = new("slipway-queue-http-");

    private ApiServer(IQueueEngine engine, QueueHttpServer server, HttpClient client)
    {
        Engine = engine;
        Server = server;
        Client = client;
    }

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.Parse("2026-12-05T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public IQueueEngine Engine { get; private set; }

    public QueueHttpServer Server { get; private set; }

    /// <summary>Sends the token.</summary>
    public HttpClient Client { get; }

    public static async Task<ApiServer> StartAsync(CancellationToken ct, string? url = null, QueueEngineOptions? engineOptions = null)
    {
        var api = new ApiServer(null!, null!, new HttpClient { Timeout = TimeSpan.FromSeconds(30) });
        engineOptions ??= new QueueEngineOptions();
        api.Engine = QueueEngineFactory.Open(url ?? "sqlite://" + api._dir.File("queue.db"), engineOptions, api.Clock);
        await api.Engine.InitializeAsync(ct);
        // The idle poll is an hour of a clock that only moves when a test says so: a waiting lease can only be woken
        // by the engine's signal.
        api.Server = new QueueHttpServer(api.Engine, new QueueHttpOptions
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
            Token = Token,
            IdlePoll = TimeSpan.FromHours(1),
            ConcurrencyLimits = engineOptions.ConcurrencyLimits,
            RateLimits = engineOptions.RateLimits,
        }, NullLoggerFactory.Instance, api.Clock);
        await api.Server.StartAsync(ct);
        api.Client.BaseAddress = api.Server.Address;
        api.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return api;
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string json, CancellationToken ct)
    {
        using var response = await Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), ct);
        return (response.StatusCode, await ReadAsync(response, ct));
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        using var response = await Client.SendAsync(request, ct);
        return (response.StatusCode, await ReadAsync(response, ct));
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        await Engine.DisposeAsync();
        _dir.Dispose();
    }
}
