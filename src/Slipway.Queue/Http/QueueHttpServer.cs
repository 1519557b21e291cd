using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Slipway.Queue.Http;

/// <summary>
/// The queue's HTTP API on Kestrel (what <c>slipway queue serve</c> runs): enqueue from any language, and the pull API
/// of long-lived workers. Every route needs <c>Authorization: Bearer TOKEN</c> when a token is set. The engine is the
/// caller's and must be initialised; one engine serves every request, so its wake-ups reach every waiting worker.
/// </summary>
public sealed class QueueHttpServer(IQueueEngine engine, QueueHttpOptions options, ILoggerFactory loggers, TimeProvider? time = null) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;

    public QueueHttpMetrics Metrics { get; } = new();

    /// <summary>Where the server listens (with the port it took), once started.</summary>
    public Uri? Address { get; private set; }

    public async Task StartAsync(CancellationToken ct)
    {
        var api = new QueueApi(engine, options, Metrics, time ?? TimeProvider.System, _stopping.Token);
        var admin = new QueueAdminApi(engine, options, time ?? TimeProvider.System);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.WebHost.ConfigureKestrel(k => k.Listen(options.Endpoint));
        var app = builder.Build();
        var log = loggers.CreateLogger("Slipway.Queue.Http");
        app.Use((http, next) => GuardAsync(http, next, log));
        Map(app, "POST", "/api/queues/{queue}/jobs", api.EnqueueAsync);
        Map(app, "POST", "/api/queues/{queue}/lease", api.LeaseAsync);
        Map(app, "POST", "/api/queues/{queue}/heartbeat", api.HeartbeatManyAsync);
        Map(app, "POST", "/api/queues/{queue}/ack", api.AckManyAsync);
        Map(app, "POST", "/api/queues/{queue}/jobs/{id}/heartbeat", api.HeartbeatAsync);
        Map(app, "POST", "/api/queues/{queue}/jobs/{id}/ack", api.AckAsync);
        Map(app, "POST", "/api/queues/{queue}/jobs/{id}/fail", api.FailAsync);
        Map(app, "POST", "/api/queues/{queue}/jobs/{id}/release", api.ReleaseAsync);
        Map(app, "GET", "/api/queues/{queue}", api.StatsAsync);
        Map(app, "GET", "/api/queues", admin.ListAsync);
        Map(app, "GET", "/api/queues/{queue}/jobs", admin.JobsAsync);
        Map(app, "GET", "/api/queues/{queue}/jobs/{id}", admin.JobAsync);
        Map(app, "POST", "/api/queues/{queue}/jobs/{id}/retry", admin.RetryAsync);
        Map(app, "POST", "/api/queues/{queue}/retry", admin.RetryAllAsync);
        Map(app, "DELETE", "/api/queues/{queue}/jobs/{id}", admin.DeleteAsync);
        Map(app, "POST", "/api/queues/{queue}/purge", admin.PurgeAsync);
        Map(app, "GET", "/metrics", api.MetricsAsync);
        app.MapFallback(http => JsonReply.ErrorAsync(http, StatusCodes.Status404NotFound,
            $"no such route: {http.Request.Method} {http.Request.Path} (see docs/queue.md, HTTP API)"));

        await app.StartAsync(ct);
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Address = new Uri(address.EndsWith('/') ? address : address + "/");
    }

    /// <summary>Ends waiting lease requests (they answer with no jobs), then stops Kestrel.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private static void Map(WebApplication app, string method, string pattern, RequestDelegate handler) =>
        app.MapMethods(pattern, [method], handler);

    /// <summary>The token check, and the one place request errors become answers.</summary>
    private async Task GuardAsync(HttpContext http, RequestDelegate next, ILogger log)
    {
        if (options.Token is { } token && !Authorized(http.Request.Headers.Authorization.ToString(), token))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await JsonReply.ErrorAsync(http, StatusCodes.Status401Unauthorized, "token required: Authorization: Bearer TOKEN");
            return;
        }

        try
        {
            await next(http);
        }
        catch (ApiException e) when (!http.Response.HasStarted)
        {
            await JsonReply.ErrorAsync(http, e.Status, e.Message);
        }
        catch (QueueException e) when (!http.Response.HasStarted)
        {
            // What the engine cannot do (the SQS engine has no priorities or keys): the request asked for it.
            await JsonReply.ErrorAsync(http, StatusCodes.Status400BadRequest, e.Message);
        }
        catch (Exception e) when (e is QueueUnavailableException or DbException or TimeoutException && !http.Response.HasStarted)
        {
            QueueHttpLog.StoreFailed(log, e, http.Request.Path);
            await JsonReply.ErrorAsync(http, StatusCodes.Status503ServiceUnavailable, $"the queue store cannot be reached: {e.Message}");
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client hung up; nothing to answer.
        }
    }

    private static bool Authorized(string header, string token) =>
        header.StartsWith("Bearer ", StringComparison.Ordinal) &&
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(header[7..].Trim())), SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
