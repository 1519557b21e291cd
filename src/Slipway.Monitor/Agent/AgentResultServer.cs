using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Slipway.Monitor.Agent;

/// <summary>
/// The HTTP endpoint of <c>monitor serve</c> that host agents POST their results to: <c>POST /api/monitor/results</c>
/// with <c>Authorization: Bearer TOKEN</c> and an <see cref="AgentBatch"/>; the answer is an
/// <see cref="AgentBatchAnswer"/> (200), 400 for a body that is not a batch, 401 for a wrong token, 503 while stopping.
/// It lives in monitor serve, not in logs serve's web server, because the checks' state machine is in this process.
/// </summary>
public sealed class AgentResultServer(AgentIntake intake, IPEndPoint endpoint, string? token, ILoggerFactory loggers) : IAsyncDisposable
{
    /// <summary>The route agents post to.</summary>
    public const string Route = "/api/monitor/results";

    private WebApplication? _app;

    /// <summary>Where the server listens (with the port it took), once started.</summary>
    public Uri? Address { get; private set; }

    public async Task StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(endpoint);
            k.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
        });
        var app = builder.Build();
        app.MapMethods(Route, ["POST"], (RequestDelegate)HandleAsync);
        app.MapFallback(http => AnswerAsync(http, StatusCodes.Status404NotFound,
            new AgentBatchAnswer { Error = $"no such route: {http.Request.Method} {http.Request.Path} (agents post to {Route})" }));
        await app.StartAsync(ct);
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Address = new Uri(address.EndsWith('/') ? address : address + "/");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
            _app = null;
        }
    }

    private async Task HandleAsync(HttpContext http)
    {
        if (token is not null && !Authorized(http.Request.Headers.Authorization.ToString(), token))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await AnswerAsync(http, StatusCodes.Status401Unauthorized, new AgentBatchAnswer { Error = "token required: Authorization: Bearer TOKEN (monitor.agent.token)" });
            return;
        }

        AgentBatch? batch;
        try
        {
            batch = await JsonSerializer.DeserializeAsync(http.Request.Body, AgentJsonContext.Default.AgentBatch, http.RequestAborted);
        }
        catch (JsonException e)
        {
            await AnswerAsync(http, StatusCodes.Status400BadRequest, new AgentBatchAnswer { Error = $"not a batch of results: {e.Message}" });
            return;
        }

        if (batch is null || batch.Results.Any(r => r is null || r.Check is null || r.Host is null || r.Output is null))
        {
            await AnswerAsync(http, StatusCodes.Status400BadRequest, new AgentBatchAnswer { Error = "not a batch of results: each needs check, host, state, output and at" });
            return;
        }

        var answer = await intake.AcceptAsync(batch, http.RequestAborted);
        await AnswerAsync(http, answer.Error is null ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, answer);
    }

    private static async Task AnswerAsync(HttpContext http, int status, AgentBatchAnswer answer)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(http.Response.Body, answer, AgentJsonContext.Default.AgentBatchAnswer, http.RequestAborted);
    }

    private static bool Authorized(string header, string expected) =>
        header.StartsWith("Bearer ", StringComparison.Ordinal) &&
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(header[7..].Trim())), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
