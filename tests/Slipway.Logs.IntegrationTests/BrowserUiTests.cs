using System.Net;
using Microsoft.Playwright;
using Slipway.Logs.Model;
using Slipway.Logs.Server;
using Slipway.Logs.Storage;
using Slipway.Logs.Tracebacks;
using Slipway.Testing;

namespace Slipway.Logs.IntegrationTests;

/// <summary>The log browser driven in headless Chromium (Debian's package): log in, filter, open a traceback group.</summary>
public sealed class BrowserUiTests
{
    private const string Chromium = "/usr/bin/chromium";

    private static readonly string[] WebHosts = ["deploy@web1:22"];

    /// <summary>Screenshots are kept here (TestResults/screenshots next to the test binary) as test artifacts.</summary>
    private static string ScreenshotDir => Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots")).FullName;

    [Fact]
    public async Task Log_in_filter_by_host_and_text_and_open_a_traceback_group()
    {
        Requires.Check(File.Exists(Chromium), "chromium not installed. Fix: bash scripts/deps/logs.sh (apt-get install -y chromium)",
            Environment.GetEnvironmentVariable("CI"));
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var db = dir.File("logs.db");
        await using (var store = LogStoreFactory.Open(db))
        {
            await store.MigrateAsync(ct);
            var now = DateTimeOffset.UtcNow;
            await store.WriteAsync(
            [
                new LogEvent { ReceivedAt = now.AddMinutes(-3), Host = "web1", Program = "nginx", Severity = 6, Message = "GET /cart 200" },
                new LogEvent { ReceivedAt = now.AddMinutes(-2), Host = "web2", Program = "nginx", Severity = 4, Message = "upstream timed out" },
                TracebackAssembler.WithFingerprint(new LogEvent
                {
                    ReceivedAt = now.AddMinutes(-1), Host = "web1", Program = "gunicorn", Severity = 3,
                    Message = "Traceback (most recent call last):\n  File \"/srv/shop/cart.py\", line 5, in add\n    item = catalogue[sku]\nKeyError: 'ABC-1'",
                }),
            ], ct);
        }

        await using var server = new LogServer(new LogServerOptions { Database = db, Http = new IPEndPoint(IPAddress.Loopback, 0), Token = "s3cret" });
        await server.StartAsync(ct);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"],
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(server.HttpAddress!.ToString());
        page.Url.ShouldContain("/login");
        await page.FillAsync("#token", "s3cret");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("#events");

        await page.FillAsync("#f-host", "web2");
        await page.FillAsync("#f-q", "upstream");
        await page.ClickAsync("#apply");
        await page.WaitForURLAsync("**/?*host=web2*");
        page.Url.ShouldContain("q=upstream");
        var rows = await page.Locator("#events tbody tr").AllInnerTextsAsync();
        rows.Count.ShouldBe(1);
        rows[0].ShouldContain("upstream timed out");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, "logs-filtered.png"), FullPage = true });

        await page.GotoAsync(new Uri(server.HttpAddress, "/groups").ToString());
        await page.ClickAsync("text=KeyError: 'ABC-1'");
        await page.WaitForSelectorAsync("#example");
        (await page.InnerTextAsync("#title")).ShouldBe("KeyError: 'ABC-1'");
        (await page.InnerTextAsync("#total")).ShouldBe("1");
        (await page.InnerTextAsync("#example")).ShouldContain("item = catalogue[sku]");
        var shot = Path.Combine(ScreenshotDir, "logs-traceback-group.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        new FileInfo(shot).Length.ShouldBeGreaterThan(1000);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_group_page_shows_deploy_markers_between_its_hours_and_the_releases_it_was_seen_on()
    {
        Requires.Check(File.Exists(Chromium), "chromium not installed. Fix: bash scripts/deps/logs.sh (apt-get install -y chromium)",
            Environment.GetEnvironmentVariable("CI"));
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var db = dir.File("logs.db");
        var now = DateTimeOffset.UtcNow;
        static LogEvent KeyError(DateTimeOffset at) => TracebackAssembler.WithFingerprint(new LogEvent
        {
            ReceivedAt = at, Host = "web1", Program = "gunicorn", Severity = 3,
            Message = "Traceback (most recent call last):\n  File \"/srv/shop/cart.py\", line 5, in add\n    item = catalogue[sku]\nKeyError: 'ABC-1'",
        });
        await using (var store = LogStoreFactory.Open(db))
        {
            await store.MigrateAsync(ct);
            await store.WriteAsync([KeyError(now.AddHours(-3)), KeyError(now.AddHours(-2)), KeyError(now.AddHours(-2).AddMinutes(1)), KeyError(now.AddMinutes(-30))], ct);
        }

        // Release A went live before every occurrence, release B between the hour of the second and the last.
        var history = dir.File("history.jsonl");
        string Deploy(string release, DateTimeOffset started) => System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["action"] = "deploy", ["stage"] = "production", ["result"] = "succeeded", ["user"] = "alice", ["machine"] = "laptop",
            ["started"] = started, ["duration_ms"] = 1000, ["release"] = release, ["commit"] = release.ToLowerInvariant() + "1234567",
            ["hosts"] = WebHosts,
        });
        await File.WriteAllLinesAsync(history, [Deploy("A", now.AddHours(-5)), Deploy("B", now.AddMinutes(-90))], ct);

        await using var server = new LogServer(new LogServerOptions
        {
            Database = db, Http = new IPEndPoint(IPAddress.Loopback, 0), Token = "s3cret", DeployHistory = history,
        });
        await server.StartAsync(ct);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"],
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(server.HttpAddress!, "/login?next=%2Fgroups").ToString());
        await page.FillAsync("#token", "s3cret");
        await page.ClickAsync("button[type=submit]");
        await page.ClickAsync("text=KeyError: 'ABC-1'");
        await page.WaitForSelectorAsync("#hours");

        var rows = page.Locator("#hours tr");
        var texts = await rows.AllInnerTextsAsync();
        texts.Count.ShouldBe(4, string.Join("\n", texts));
        (await rows.Nth(2).GetAttributeAsync("class")).ShouldBe("deploy", string.Join("\n", texts));
        texts[2].ShouldContain("production: release B (commit b123456, deployed by alice at ");
        (await rows.Nth(2).IsVisibleAsync()).ShouldBeTrue();
        texts[1].ShouldContain("\t2", customMessage: "two occurrences in that hour");
        var releases = await page.Locator("#releases li").AllInnerTextsAsync();
        releases.Select(r => r.Split(' ')[1]).ShouldBe(["A", "B"]);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, "logs-group-timeline.png"), FullPage = true });

        // Each release links to the events received while it was live.
        await page.ClickAsync("#releases a:text-is(\"B\")");
        await page.WaitForSelectorAsync("#release-window");
        (await page.InnerTextAsync("#release-window")).ShouldStartWith("Release B on production: live from ");
        (await page.Locator("#events tbody tr").AllInnerTextsAsync()).Count.ShouldBe(1, "only the occurrence 30 minutes ago came under B");
    }
}
