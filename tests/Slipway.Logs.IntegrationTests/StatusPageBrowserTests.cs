using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Slipway.Cli.Tests.Support;
using Slipway.Monitor.Storage;
using Slipway.Testing;

namespace Slipway.Logs.IntegrationTests;

/// <summary>
/// The monitor's status page on the log server's one web server, end to end: <c>slipway monitor serve</c> runs Debian's
/// plugins (one prints markup), <c>slipway logs serve</c> serves <c>/status</c> behind its login, headless Chromium reads it.
/// </summary>
public sealed partial class StatusPageBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    private const string Plugins = "/usr/lib/nagios/plugins";

    private static string ScreenshotDir => Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots")).FullName;

    [Fact(Timeout = 180_000)]
    public async Task Status_page_shows_checks_with_escaped_output_graphs_and_the_live_release_behind_the_login()
    {
        var ci = Environment.GetEnvironmentVariable("CI");
        Requires.Check(File.Exists(Chromium), "chromium not installed. Fix: bash scripts/deps/logs.sh (apt-get install -y chromium)", ci);
        Requires.Check(File.Exists($"{Plugins}/check_tcp"), "monitoring-plugins not installed. Fix: bash scripts/deps/monitor.sh", ci);
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _ = AcceptForeverAsync(listener, ct);
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var file = dir.Write("slipway.yml", $"""
            application: shop
            deploy_to: {dir.File("srv")}
            stages:
              production:
                hosts:
                  - host: web1
                    roles: [web]
            monitor:
              check_interval: 1s
              retry_interval: 1s
              max_check_attempts: 1
              checks:
                hostile:
                  command: {Plugins}/check_dummy 2 "<script>window.pwned=1</script><b>disk</b> full"
                port:
                  command: {Plugins}/check_tcp -H 127.0.0.1 -p {port}
            """);
        Directory.CreateDirectory(dir.File(".slipway"));
        await File.WriteAllTextAsync(dir.File(".slipway/history.jsonl"),
            $$"""{"action":"deploy","stage":"production","result":"succeeded","user":"alice","started":"{{DateTimeOffset.UtcNow.AddHours(-1):O}}","duration_ms":1000,"release":"20261205-1","commit":"abcdef0123456"}""" + "\n", ct);

        // The checks run for real until the TCP check has a few results to draw, then monitor serve stops (state written).
        var monitorOut = new LiveOutput();
        using (var stopMonitor = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            var monitor = CliRunner.RunAsync(["monitor", "serve", "-f", file], 200, TimeProvider.System, monitorOut, stopMonitor.Token);
            var db = dir.File(".slipway/monitor.db");
            var enough = await Eventually.ForAsync(async () =>
            {
                if (!File.Exists(db))
                {
                    return false;
                }

                await using var store = new SqliteMonitorStore(db);
                try
                {
                    return (await store.ResultsAsync("port@web1", 10, ct)).Count >= 4;
                }
                catch (Microsoft.Data.Sqlite.SqliteException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(60), ct);
            await stopMonitor.CancelAsync();
            var stopped = await monitor;
            enough.ShouldBeTrue(monitorOut.Text);
            stopped.ExitCode.ShouldBe(0, stopped.Output);
        }

        var logsOut = new LiveOutput();
        using var stopLogs = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var logs = CliRunner.RunAsync(["logs", "serve", "-f", file, "--db", dir.File("logs.db"), "--http", "127.0.0.1:0", "--token", "s3cret"],
            200, TimeProvider.System, logsOut, stopLogs.Token);
        try
        {
            (await Eventually.ForAsync(() => HttpLine().IsMatch(logsOut.Text), TimeSpan.FromSeconds(60), ct)).ShouldBeTrue(logsOut.Text);
            var root = new Uri(HttpLine().Match(logsOut.Text).Groups[1].Value);
            logsOut.Text.ShouldContain($"http {new Uri(root, "/status")} (status)");

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"],
            });
            var page = await browser.NewPageAsync();
            await page.GotoAsync(new Uri(root, "/status").ToString());
            page.Url.ShouldContain("/login", customMessage: "the status page is behind the log browser's login");
            await page.FillAsync("#token", "s3cret");
            await page.ClickAsync("button[type=submit]");
            await page.WaitForSelectorAsync("#checks");
            page.Url.ShouldEndWith("/status");

            var hostile = page.Locator("#checks tr[data-check=\"hostile@web1\"]");
            (await hostile.GetAttributeAsync("data-state")).ShouldBe("CRITICAL");
            (await hostile.Locator("td.out").InnerTextAsync()).ShouldBe("CRITICAL: <script>window.pwned=1</script><b>disk</b> full",
                "the plugin's markup is shown as text");
            (await page.EvaluateAsync<bool>("() => window.pwned === undefined")).ShouldBeTrue("the plugin's script did not run");
            (await page.Locator("#checks b").CountAsync()).ShouldBe(0);
            var rows = await page.Locator("#checks tbody tr").AllAsync();
            (await rows[0].GetAttributeAsync("data-check")).ShouldBe("hostile@web1", "problems first");

            var tcp = page.Locator("#checks tr[data-check=\"port@web1\"]");
            (await tcp.GetAttributeAsync("data-state")).ShouldBe("OK");
            (await tcp.Locator("td.perf").InnerTextAsync()).ShouldStartWith("time=");
            (await tcp.Locator("svg.spark polyline").CountAsync()).ShouldBe(1, "a graph of the response time");
            (await page.Locator("#stages tr[data-stage=\"production\"] td.release").InnerTextAsync()).ShouldBe("20261205-1 abcdef0");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, "status-overview.png"), FullPage = true });

            await tcp.Locator("a").ClickAsync();
            await page.WaitForSelectorAsync("#results");
            (await page.InnerTextAsync("#check")).ShouldBe("port@web1");
            (await page.Locator("#graphs svg polyline").CountAsync()).ShouldBe(1);
            (await page.Locator("#results tbody tr").CountAsync()).ShouldBeGreaterThanOrEqualTo(4);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, "status-check.png"), FullPage = true });

            // The same server's /metrics carries the checks next to the log server's own figures.
            using var http = new HttpClient();
            var metrics = await http.GetStringAsync(new Uri(root, "/metrics"), ct);
            metrics.ShouldContain("slipway_check_state{check=\"hostile\",host=\"web1\"} 2\n");
            metrics.ShouldContain("slipway_check_state{check=\"port\",host=\"web1\"} 0\n");
            metrics.ShouldContain("slipway_perfdata_seconds{check=\"port\",host=\"web1\",label=\"time\"} ");
        }
        finally
        {
            await stopLogs.CancelAsync();
            var result = await logs;
            result.ExitCode.ShouldBe(0, result.Output);
        }
    }

    private static async Task AcceptForeverAsync(TcpListener listener, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // the test is over
        }
    }

    [GeneratedRegex(@"^http (http://127\.0\.0\.1:\d+/)$", RegexOptions.Multiline)]
    private static partial Regex HttpLine();
}
