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
            var api = http.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal);
            var bearer = api && http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal);
            var address = http.Connection.RemoteIpAddress?.ToString() ?? "";
            if (bearer && context.Throttle.RetryAfter(address) is { } wait)
            {
                // Guessing the API's token is slowed down as guessing at /login is.
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await http.Response.WriteAsync("too many wrong tokens from this address; try again later\n", http.RequestAborted);
                return;
            }

            var access = IsPublic(http.Request.Path) ? Access.Full : Resolve(http, context.Options);
            if (access == Access.Full || (access == Access.Viewer && !api))
            {
                await next(http);
                return;
            }

            if (bearer && access == Access.None)
            {
                context.Throttle.Failed(address);
            }

            if (api)
            {
                http.Response.StatusCode = access == Access.Viewer ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized;
                await http.Response.WriteAsync(access == Access.Viewer
                    ? "viewers are read-only: posting events needs the token or an admin user\n"
                    : "token required: Authorization: Bearer TOKEN\n", http.RequestAborted);
                return;
            }

            http.Response.Redirect("/login?next=" + Uri.EscapeDataString(http.Request.Path + http.Request.QueryString));
        });

        app.MapGet("/metrics", async (CancellationToken ct) =>
        {
            var text = new StringBuilder(context.Pipeline.Metrics.ToPrometheus());
            foreach (var part in context.Options.WebParts)
            {
                text.Append(await part.MetricsAsync(ct));
            }

            return Results.Text(text.ToString(), "text/plain; version=0.0.4", Encoding.UTF8);
        });
        foreach (var part in context.Options.WebParts)
        {
            // Lambdas written in place, not a delegate variable: the native build's request delegate generator can
            // only bind those at compile time.
            app.MapGet(part.Prefix, (HttpContext http, CancellationToken ct) => ServePartAsync(part, http, context, ct));
            app.MapGet(part.Prefix + "/{**rest}", (HttpContext http, CancellationToken ct) => ServePartAsync(part, http, context, ct));
            app.MapPost(part.Prefix + "/{**rest}", (HttpContext http, CancellationToken ct) => PostToPartAsync(part, http, context, ct));
        }

        app.MapGet("/login", (HttpContext http, CancellationToken ct) => Results.Content(Pages.Login(LoginTarget.Safe(http.Request.Query["next"]), error: false), "text/html; charset=utf-8"));
        app.MapPost("/login", async (HttpContext http, CancellationToken ct) =>
        {
            var form = await http.Request.ReadFormAsync(ct);
            var next = LoginTarget.Safe(form["next"].ToString());
            var address = http.Connection.RemoteIpAddress?.ToString() ?? "";
            if (context.Throttle.RetryAfter(address) is { } wait)
            {
                http.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Results.Content(Pages.Login(next, error: true, wait), "text/html; charset=utf-8", Encoding.UTF8, StatusCodes.Status429TooManyRequests);
            }

            if (LogIn(context.Options, form["user"].ToString().Trim(), form["token"].ToString()) is { } session)
            {
                context.Throttle.Succeeded(address);
                http.Response.Cookies.Append(CookieName, session,
                    new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = IsHttps(http.Request), Path = "/" });
                return Results.Redirect(next);
            }

            context.Throttle.Failed(address);
            return Results.Content(Pages.Login(next, error: true), "text/html; charset=utf-8", Encoding.UTF8, StatusCodes.Status401Unauthorized);
        });
        app.MapPost("/api/logs", (HttpContext http, CancellationToken ct) => ReceiveAsync(http, context));
        app.MapGet("/", async (HttpContext http, CancellationToken ct) =>
            Results.Content(await Pages.EventsAsync(context, BrowseQuery.From(http.Request.Query, context.Clock.GetUtcNow(),
                Releases.DeployTimeline.Load(context.Options.DeployHistory)), ct),
                "text/html; charset=utf-8"));
        app.MapGet("/groups", async (HttpContext http, CancellationToken ct) =>
            Results.Content(await Pages.GroupsAsync(context, http.Request.Query["since"], ct), "text/html; charset=utf-8"));
        app.MapGet("/groups/{fingerprint}", async (string fingerprint, CancellationToken ct) =>
            await Pages.GroupAsync(context, fingerprint, ct) is { } html
                ? Results.Content(html, "text/html; charset=utf-8")
                : Results.NotFound());
        return app;
    }

    /// <summary>The server's menu: the log browser's pages, then every part's.</summary>
    internal static IReadOnlyList<Slipway.Core.Web.WebLink> Menu(WebContext context) =>
        [new("/", "Events"), new("/groups", "Traceback groups"), .. context.Options.WebParts.Select(p => new Slipway.Core.Web.WebLink(p.Prefix, p.Title)),
            new("/metrics", "Metrics")];

    private static async Task<IResult> ServePartAsync(Slipway.Core.Web.IWebPart part, HttpContext http, WebContext context, CancellationToken ct)
    {
        var query = http.Request.Query.ToDictionary(q => q.Key, q => q.Value.Count > 0 ? q.Value[0] ?? "" : "",
            StringComparer.Ordinal);
        var answer = await part.GetAsync(new Slipway.Core.Web.WebAsk(http.Request.Path.Value ?? "/", query, Menu(context)), ct);
        return Answer(answer);
    }

    /// <summary>A part's form: full access only (the middleware let a viewer's session through to read pages).</summary>
    private static async Task<IResult> PostToPartAsync(Slipway.Core.Web.IWebPart part, HttpContext http, WebContext context, CancellationToken ct)
    {
        if (Resolve(http, context.Options) != Access.Full)
        {
            return Results.Text("viewers are read-only: this needs the token or an admin user\n", "text/plain", Encoding.UTF8, StatusCodes.Status403Forbidden);
        }

        if (!http.Request.HasFormContentType)
        {
            return Results.Text("expected a form\n", "text/plain", Encoding.UTF8, StatusCodes.Status415UnsupportedMediaType);
        }

        var fields = await http.Request.ReadFormAsync(ct);
        var form = fields.ToDictionary(f => f.Key, f => f.Value.Count > 0 ? f.Value[0] ?? "" : "", StringComparer.Ordinal);
        var query = http.Request.Query.ToDictionary(q => q.Key, q => q.Value.Count > 0 ? q.Value[0] ?? "" : "", StringComparer.Ordinal);
        var answer = await part.PostAsync(new Slipway.Core.Web.WebAsk(http.Request.Path.Value ?? "/", query, Menu(context)), form, ct);
        return Answer(answer);
    }

    private static IResult Answer(Slipway.Core.Web.WebAnswer? answer) =>
        answer is null ? Results.NotFound()
        : answer.Location is { } location ? Results.Redirect(LoginTarget.Safe(location))
        : Results.Content(answer.Body, answer.ContentType, Encoding.UTF8, answer.Status);

    /// <summary>
    /// HTTPS as the browser sees it: TLS here, or a TLS-terminating proxy in front that says so (X-Forwarded-Proto). The
    /// header is trusted without a proxy list because it can only add the cookie's Secure flag, never remove it.
    /// </summary>
    private static bool IsHttps(HttpRequest request) =>
        request.IsHttps || string.Equals(request.Headers["X-Forwarded-Proto"].ToString().Split(',')[0].Trim(), "https", StringComparison.OrdinalIgnoreCase);

    private static bool IsPublic(PathString path) =>
        path.StartsWithSegments("/metrics", StringComparison.Ordinal) || path.StartsWithSegments("/login", StringComparison.Ordinal);

    private enum Access
    {
        None,
        Viewer,
        Full,
    }

    /// <summary>
    /// Full: no secret configured, the bearer token, or the session of the token or of an admin user. Viewer: the session
    /// of a user who only reads.
    /// </summary>
    private static Access Resolve(HttpContext http, Server.LogServerOptions options)
    {
        if (options.Token is null && options.Users.Count == 0)
        {
            return Access.Full;
        }

        var header = http.Request.Headers.Authorization.ToString();
        if (options.Token is { } token && header.StartsWith("Bearer ", StringComparison.Ordinal) && FixedEquals(header[7..].Trim(), token))
        {
            return Access.Full;
        }

        if (!http.Request.Cookies.TryGetValue(CookieName, out var cookie))
        {
            return Access.None;
        }

        if (options.Token is { } t && FixedEquals(cookie, TokenSession(t)))
        {
            return Access.Full;
        }

        // u.NAME.MAC: the MAC is keyed by the user's stored hash, so changing the password ends old sessions.
        var parts = cookie.Split('.');
        return parts.Length == 3 && parts[0] == "u" && options.Users.TryGetValue(parts[1], out var user) &&
               FixedEquals(cookie, UserSession(parts[1], user))
            ? user.Admin ? Access.Full : Access.Viewer
            : Access.None;
    }

    /// <summary>The session cookie for a correct login, or null: a user name and password, or (no user) the token.</summary>
    private static string? LogIn(Server.LogServerOptions options, string user, string secret)
    {
        if (user.Length > 0)
        {
            return options.Users.TryGetValue(user, out var entry) && PasswordHash.Verify(secret, entry.PasswordHash)
                ? UserSession(user, entry)
                : null;
        }

        return options.Token is { } token && FixedEquals(secret, token) ? TokenSession(token) : null;
    }

    /// <summary>The cookie holds a MAC, never the token or a hash.</summary>
    private static string TokenSession(string token) =>
        "t." + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(token), "slipway-logs-session"u8));

    private static string UserSession(string name, Server.LogUser user) =>
        $"u.{name}." + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(user.PasswordHash),
            Encoding.UTF8.GetBytes("slipway-logs-session:" + name)));

    private static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));

    /// <summary>JSON lines, one event each; answers once every event is stored or spooled (a full queue makes the request wait).</summary>
    private static async Task<IResult> ReceiveAsync(HttpContext http, WebContext context)
    {
        var host = http.Connection.RemoteIpAddress?.ToString() ?? "";
        // A batch dropped while this request's events were on their way may have held some of them (a request's events
        // can be written in more than one batch): then the request is refused, never acknowledged.
        var droppedBefore = context.Pipeline.Metrics.Dropped;
        var count = 0;
        var errors = 0;
        var sources = new HashSet<(string Host, string Program, string ProcId)>();
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
            sources.Add((e.Host, e.Program, e.ProcId));
            count++;
        }

        // Answer only once they are stored or spooled: an acknowledged event survives a crash of this server.
        try
        {
            await context.Pipeline.DurableAsync(sources, http.RequestAborted);
        }
        catch (IOException e)
        {
            return Results.Text($"not stored: {e.Message}\n", "text/plain", Encoding.UTF8, StatusCodes.Status503ServiceUnavailable);
        }

        if (context.Pipeline.Metrics.Dropped != droppedBefore)
        {
            return Results.Text("not stored: events were dropped meanwhile because neither the database nor the spool could take them (disk full); send again\n",
                "text/plain", Encoding.UTF8, StatusCodes.Status503ServiceUnavailable);
        }

        context.Pipeline.Metrics.AddHttp(count);
        return Results.Json(new IntakeReply(count, errors), WebJsonContext.Default.IntakeReply, statusCode: StatusCodes.Status202Accepted);
    }
}

public sealed record IntakeReply(int Accepted, int ParseErrors);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower)]
[System.Text.Json.Serialization.JsonSerializable(typeof(IntakeReply))]
internal sealed partial class WebJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
