using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Slipway.Logs.Model;
using Slipway.Logs.Parsing;

namespace Slipway.Logs.Web;

/// <summary>The HTTP side of <c>slipway logs serve</c>: POST /api/logs, the browser pages, /login, /metrics.</summary>
public static class WebHost
{
    public const string CookieName = "slipway_logs";

    public static WebApplication Build(IPEndPoint endpoint, WebContext context, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(context);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.WebHost.ConfigureKestrel(k => k.Listen(endpoint));
        var app = builder.Build();

        app.Use(async (http, next) =>
        {
            if (IsPublic(http.Request.Path) || Authorised(http, context.Options.Token))
            {
                await next(http);
                return;
            }

            if (http.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
            {
                http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await http.Response.WriteAsync("token required: Authorization: Bearer TOKEN\n", http.RequestAborted);
                return;
            }

            http.Response.Redirect("/login?next=" + Uri.EscapeDataString(http.Request.Path + http.Request.QueryString));
        });

        app.MapGet("/metrics", () =>
            Results.Text(context.Pipeline.Metrics.ToPrometheus(), "text/plain; version=0.0.4", Encoding.UTF8));
        app.MapGet("/login", (HttpContext http, CancellationToken ct) => Results.Content(Pages.Login(http.Request.Query["next"], error: false), "text/html; charset=utf-8"));
        app.MapPost("/login", async (HttpContext http, CancellationToken ct) =>
        {
            var form = await http.Request.ReadFormAsync(ct);
            var next = form["next"].ToString();
            if (!next.StartsWith('/') || next.StartsWith("//", StringComparison.Ordinal))
            {
                next = "/";
            }

            if (context.Options.Token is { } token && FixedEquals(form["token"].ToString(), token))
            {
                http.Response.Cookies.Append(CookieName, CookieValue(token),
                    new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps, Path = "/" });
                return Results.Redirect(next);
            }

            return Results.Content(Pages.Login(next, error: true), "text/html; charset=utf-8", Encoding.UTF8, StatusCodes.Status401Unauthorized);
        });
        app.MapPost("/api/logs", (HttpContext http, CancellationToken ct) => ReceiveAsync(http, context));
        app.MapGet("/", async (HttpContext http, CancellationToken ct) =>
            Results.Content(await Pages.EventsAsync(context, BrowseQuery.From(http.Request.Query, context.Clock.GetUtcNow()), ct),
                "text/html; charset=utf-8"));
        app.MapGet("/groups", async (HttpContext http, CancellationToken ct) =>
            Results.Content(await Pages.GroupsAsync(context, http.Request.Query["since"], ct), "text/html; charset=utf-8"));
        app.MapGet("/groups/{fingerprint}", async (string fingerprint, CancellationToken ct) =>
            await Pages.GroupAsync(context, fingerprint, ct) is { } html
                ? Results.Content(html, "text/html; charset=utf-8")
                : Results.NotFound());
        return app;
    }

    private static bool IsPublic(PathString path) =>
        path.StartsWithSegments("/metrics", StringComparison.Ordinal) || path.StartsWithSegments("/login", StringComparison.Ordinal);

    private static bool Authorised(HttpContext http, string? token)
    {
        if (token is null)
        {
            return true;
        }

        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.Ordinal) && FixedEquals(header[7..].Trim(), token))
        {
            return true;
        }

        return http.Request.Cookies.TryGetValue(CookieName, out var cookie) && FixedEquals(cookie, CookieValue(token));
    }

    /// <summary>The cookie holds a hash of the token, never the token.</summary>
    private static string CookieValue(string token) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(token), "slipway-logs-session"u8));

    private static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));

    /// <summary>JSON lines, one event each; answers after every event is queued (a full queue makes the request wait).</summary>
    private static async Task<IResult> ReceiveAsync(HttpContext http, WebContext context)
    {
        var host = http.Connection.RemoteIpAddress?.ToString() ?? "";
        var count = 0;
        var errors = 0;
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        while (await reader.ReadLineAsync(http.RequestAborted) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var e = JsonLineParser.Parse(line, context.Clock.GetUtcNow(), host);
            if (e.Flags.HasFlag(EventMarks.ParseError))
            {
                errors++;
            }

            await context.Pipeline.EnqueueAsync(e, http.RequestAborted);
            count++;
        }

        context.Pipeline.Metrics.AddHttp(count);
        return Results.Json(new IntakeReply(count, errors), WebJsonContext.Default.IntakeReply, statusCode: StatusCodes.Status202Accepted);
    }
}

public sealed record IntakeReply(int Accepted, int ParseErrors);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower)]
[System.Text.Json.Serialization.JsonSerializable(typeof(IntakeReply))]
internal sealed partial class WebJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
