using System.Globalization;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using Slipway.Logs.Model;
using Slipway.Logs.Server;
using Slipway.Logs.Storage;
using Slipway.Logs.Tracebacks;
using Slipway.Testing;

namespace Slipway.Logs.IntegrationTests;

/// <summary>
/// What an attacker who can send a log line, or lure an operator to a link, would try against the log browser:
/// markup and scripts in every field, redirects after login to another site, and guessing the token.
/// </summary>
public sealed class HostileBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    private static readonly string[] Hostile =
    [
        "<script>window.pwned=1;alert(1)</script>",
        "\"><img src=x onerror=\"window.pwned=2;alert(2)\">",
        "<a href=\"javascript:window.pwned=3;alert(3)\">click me</a> javascript:window.pwned=4",
        "'><svg onload=window.pwned=5>",
        "colour \u001b[31mred\u001b[0m bell\u0007",
    ];

    [Fact(Timeout = 120_000)]
    public async Task Markup_in_messages_hosts_programs_and_the_url_is_shown_as_text_and_never_runs()
    {
        Requires.Check(File.Exists(Chromium), "chromium not installed. Fix: bash scripts/deps/logs.sh (apt-get install -y chromium)",
            Environment.GetEnvironmentVariable("CI"));
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var db = dir.File("logs.db");
        var now = DateTimeOffset.UtcNow;
        await using (var store = LogStoreFactory.Open(db))
        {
            await store.MigrateAsync(ct);
            await store.WriteAsync(
            [
                .. Hostile.Select((m, i) => new LogEvent { ReceivedAt = now.AddMinutes(-10 + i), Host = "web1", Program = "app", Severity = 3, Message = m }),
                new LogEvent { ReceivedAt = now.AddMinutes(-3), Host = "\"><script>window.pwned=6</script>", Program = "<img src=x onerror=window.pwned=7>", Severity = 6, Message = "fields" },
                TracebackAssembler.WithFingerprint(new LogEvent
                {
                    ReceivedAt = now.AddMinutes(-1), Host = "web1", Program = "gunicorn", Severity = 3,
                    Message = "Traceback (most recent call last):\n  File \"/srv/app.py\", line 1, in view\nValueError: <script>window.pwned=8</script>",
                }),
            ], ct);
        }

        await using var server = new LogServer(new LogServerOptions { Database = db, Http = new IPEndPoint(IPAddress.Loopback, 0), Token = "s3cret" });
        await server.StartAsync(ct);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync();
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };
        await page.GotoAsync(new Uri(server.HttpAddress!, "/login").ToString());
        await page.FillAsync("#token", "s3cret");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("#events");

        async Task AssertInertAsync(string where)
        {
            (await page.EvaluateAsync<bool>("() => window.pwned === undefined")).ShouldBeTrue($"{where}: no script ran");
            (await page.EvaluateAsync<int>("() => document.scripts.length")).ShouldBe(0, $"{where}: no script element");
            (await page.Locator("img, svg, [onerror], [onload]").CountAsync()).ShouldBe(0, $"{where}: no element made from a message");
            (await page.Locator("a[href^=\"javascript:\" i]").CountAsync()).ShouldBe(0, $"{where}: no javascript: link");
            dialogs.ShouldBeEmpty($"{where}: no dialog opened");
        }

        await AssertInertAsync("events");
        var messages = await page.Locator("#events td.msg").AllInnerTextsAsync();
        foreach (var m in Hostile.Take(4))
        {
            messages.ShouldContain(m, $"shown as the text it is: {m}");
        }

        messages.ShouldContain("colour \\x1b[31mred\\x1b[0m bell\\x07", "control characters are shown escaped");
        (await page.Locator("#events td.msg span.ctl").CountAsync()).ShouldBe(3);
        (await page.Locator("#events tbody tr td:nth-child(2)").AllInnerTextsAsync()).ShouldContain("\"><script>window.pwned=6</script>");

        // Reflected: the filters echo the URL's parameters into the form.
        await page.GotoAsync(new Uri(server.HttpAddress!, "/?host=%22%3E%3Cscript%3Ewindow.pwned%3D9%3C%2Fscript%3E&q=%3Cimg%20src%3Dx%20onerror%3Dalert(9)%3E").ToString());
        await page.WaitForSelectorAsync("#events");
        await AssertInertAsync("filters from the URL");
        (await page.InputValueAsync("#f-host")).ShouldBe("\"><script>window.pwned=9</script>");

        await page.GotoAsync(new Uri(server.HttpAddress!, "/groups").ToString());
        await AssertInertAsync("groups");
        await page.GetByText("ValueError: <script>window.pwned=8</script>").First.ClickAsync();
        await page.WaitForSelectorAsync("#example");
        await AssertInertAsync("group");
        (await page.InnerTextAsync("#example")).ShouldContain("ValueError: <script>window.pwned=8</script>");
    }

    [Fact(Timeout = 60_000)]
    public async Task After_login_only_a_path_on_this_server_is_followed_and_the_cookie_is_HttpOnly_SameSite_and_Secure_behind_TLS()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        await using var server = new LogServer(new LogServerOptions { Database = dir.File("logs.db"), Http = new IPEndPoint(IPAddress.Loopback, 0), Token = "s3cret" });
        await server.StartAsync(ct);

        async Task<HttpResponseMessage> LogInAsync(string next, string? forwardedProto = null)
        {
            using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
            using var http = new HttpClient(handler) { BaseAddress = server.HttpAddress };
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/login", UriKind.Relative))
            {
                Content = new FormUrlEncodedContent([new("token", "s3cret"), new("next", next)]),
            };
            if (forwardedProto is not null)
            {
                request.Headers.Add("X-Forwarded-Proto", forwardedProto);
            }

            return await http.SendAsync(request, ct);
        }

        foreach (var elsewhere in (string[])["//elsewhere.example/x", "https://elsewhere.example/x", "/\\elsewhere.example/x", "/\t/elsewhere.example", "javascript:alert(1)", "http:/x"])
        {
            using var response = await LogInAsync(elsewhere);
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            response.Headers.Location!.OriginalString.ShouldBe("/", $"next={elsewhere} must not leave the server");
        }

        using (var local = await LogInAsync("/groups?since=24h"))
        {
            local.Headers.Location!.OriginalString.ShouldBe("/groups?since=24h");
            var cookie = local.Headers.GetValues("Set-Cookie").Single().ToLowerInvariant();
            cookie.ShouldContain("httponly");
            cookie.ShouldContain("samesite=strict");
            cookie.ShouldNotContain("secure", customMessage: "plain HTTP on loopback: a Secure cookie would never come back");
        }

        using (var proxied = await LogInAsync("/", forwardedProto: "https"))
        {
            var cookie = proxied.Headers.GetValues("Set-Cookie").Single().ToLowerInvariant();
            cookie.ShouldContain("; secure");
            cookie.ShouldContain("httponly");
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Repeated_wrong_tokens_are_slowed_down_and_a_right_one_must_wait_its_turn_too()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = new LogServer(new LogServerOptions { Database = dir.File("logs.db"), Http = new IPEndPoint(IPAddress.Loopback, 0), Token = "s3cret" },
            null, clock);
        await server.StartAsync(ct);
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        using var http = new HttpClient(handler) { BaseAddress = server.HttpAddress };
        async Task<HttpResponseMessage> TryAsync(string token) =>
            await http.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent([new("token", token), new("next", "/")]), ct);

        for (var i = 1; i <= 5; i++)
        {
            using var wrong = await TryAsync("guess" + i.ToString(CultureInfo.InvariantCulture));
            wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, $"attempt {i} is free");
        }

        using (var sixth = await TryAsync("s3cret"))
        {
            sixth.StatusCode.ShouldBe((HttpStatusCode)429, "too soon after five failures, even with the right token");
            sixth.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(1));
            (await sixth.Content.ReadAsStringAsync(ct)).ShouldContain("Too many wrong log-ins from your address: try again in 1 s.");
        }

        using (var api = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/logs", UriKind.Relative)) { Content = new StringContent("{\"message\":\"x\"}\n") })
        {
            api.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "guess-api");
            using var refused = await http.SendAsync(api, ct);
            refused.StatusCode.ShouldBe((HttpStatusCode)429, "the API's bearer token is guarded by the same count");
        }

        clock.Advance(TimeSpan.FromSeconds(1));
        using (var wrong = await TryAsync("guess6"))
        {
            wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        using (var tooSoon = await TryAsync("guess7"))
        {
            tooSoon.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(2), "each failure doubles the wait");
        }

        clock.Advance(TimeSpan.FromSeconds(2));
        using (var right = await TryAsync("s3cret"))
        {
            right.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }

        using (var afterSuccess = await TryAsync("guess8"))
        {
            afterSuccess.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "a right log-in starts the count again");
        }
    }
}
