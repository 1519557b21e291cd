using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Slipway.Cli.Tests.Support;
using Slipway.Queue;
using Slipway.Testing;

namespace Slipway.Logs.IntegrationTests;

/// <summary>
/// The job queue's page on the log server's one web server, end to end: jobs failed into the dead-letter list of a
/// SQLite store, <c>slipway logs serve -f</c> serving <c>/queue</c> behind its login, headless Chromium reading the
/// counts and the failures' output, then retrying one dead job and deleting the other with the page's buttons.
/// </summary>
public sealed partial class QueuePageBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    private static string ScreenshotDir => Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots")).FullName;

    [Fact(Timeout = 180_000)]
    public async Task Queue_page_shows_depths_and_failures_and_retries_and_deletes_dead_jobs_behind_the_login()
    {
        Requires.Check(File.Exists(Chromium), "chromium not installed. Fix: bash scripts/deps/logs.sh (apt-get install -y chromium)",
            Environment.GetEnvironmentVariable("CI"));
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var db = dir.File("queue.db");
        var file = dir.Write("slipway.yml", $$"""
            application: shop
            deploy_to: {{dir.File("srv")}}
            stages:
              production:
                hosts: [{ host: web1 }]
            queue:
              url: {{db}}
              retry: { max_attempts: 1 }
              limits: { mail: 2 }
              rates: { mail: 10/s }
            """);

        // Two mail jobs die with markup in their error and output; one waits; a report is scheduled for later.
        long[] dead;
        var options = new QueueEngineOptions { Retry = RetryPolicy.Default with { MaxAttempts = 1 } };
        await using (var engine = QueueEngineFactory.Open("sqlite://" + db, options))
        {
            await engine.InitializeAsync(ct);
            await engine.EnqueueManyAsync([new NewJob("mail", "{\"to\": \"a@example.com\"}"), new NewJob("mail", "{\"to\": \"b@example.com\"}"),
                new NewJob("mail", "{\"to\": \"c@example.com\"}"), new NewJob("reports", "{}") { Delay = TimeSpan.FromHours(1) }], ct);
            var leased = await engine.LeaseAsync("mail", 2, TimeSpan.FromMinutes(1), ct);
            foreach (var job in leased)
            {
                (await engine.FailAsync(job.Lease, new JobFailure("exit code 1: <script>window.pwned=1</script>", "connecting\n<b>smtp</b> refused"), ct))
                    .Outcome.ShouldBe(FailOutcome.Dead);
            }

            dead = [.. leased.Select(j => j.Id).Order()];
        }

        var logsOut = new LiveOutput();
        using var stopLogs = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var logs = CliRunner.RunAsync(["logs", "serve", "-f", file, "--db", dir.File("logs.db"), "--http", "127.0.0.1:0", "--token", "s3cret"],
            200, TimeProvider.System, logsOut, stopLogs.Token);
        try
        {
            (await Eventually.ForAsync(() => HttpLine().IsMatch(logsOut.Text), TimeSpan.FromSeconds(60), ct)).ShouldBeTrue(logsOut.Text);
            var root = new Uri(HttpLine().Match(logsOut.Text).Groups[1].Value);
            logsOut.Text.ShouldContain($"http {new Uri(root, "/queue")} (queue)");

            // Without a login a button's POST reaches nothing: the server sends it to the login.
            using (var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }))
            {
                using var post = await anonymous.PostAsync(new Uri(root, "/queue/delete"),
                    new FormUrlEncodedContent(new Dictionary<string, string> { ["queue"] = "mail", ["id"] = dead[0].ToString(System.Globalization.CultureInfo.InvariantCulture) }), ct);
                post.StatusCode.ShouldBe(HttpStatusCode.Redirect);
                post.Headers.Location!.ToString().ShouldStartWith("/login");
            }

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"],
            });
            var page = await browser.NewPageAsync();
            await page.GotoAsync(new Uri(root, "/queue").ToString());
            page.Url.ShouldContain("/login", customMessage: "the queue page is behind the log browser's login");
            await page.FillAsync("#token", "s3cret");
            await page.ClickAsync("button[type=submit]");
            await page.WaitForSelectorAsync("#queues");

            var mail = page.Locator("#queues tr[data-queue=\"mail\"]");
            (await mail.Locator("td.ready").InnerTextAsync()).ShouldBe("1");
            (await mail.Locator("td.dead").InnerTextAsync()).ShouldBe("2");
            (await mail.Locator("td.oldest").InnerTextAsync()).ShouldNotBeEmpty("the waiting job's age");
            (await mail.Locator("td.limits").InnerTextAsync()).ShouldBe("at most 2 at once, 10/s started");
            (await page.Locator("#queues tr[data-queue=\"reports\"] td.scheduled").InnerTextAsync()).ShouldBe("1");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, "queue-overview.png"), FullPage = true });

            await mail.Locator("td.dead a").ClickAsync();
            await page.WaitForSelectorAsync("#dead");
            (await page.Locator("#dead tbody tr").CountAsync()).ShouldBe(2);
            var first = page.Locator($"#dead tr[data-job=\"{dead[0]}\"]");
            (await first.Locator(".error").InnerTextAsync()).ShouldBe("exit code 1: <script>window.pwned=1</script>", "the error is shown as text");
            (await first.Locator("pre.output").InnerTextAsync()).ShouldBe("connecting\n<b>smtp</b> refused");
            (await first.Locator("pre.payload").InnerTextAsync()).ShouldBe("{\"to\": \"a@example.com\"}");
            (await page.EvaluateAsync<bool>("() => window.pwned === undefined")).ShouldBeTrue("the job's script did not run");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, "queue-dead.png"), FullPage = true });

            await first.Locator("button.retry").ClickAsync();
            await page.WaitForSelectorAsync("#done");
            (await page.InnerTextAsync("#done")).ShouldBe($"job {dead[0]} is ready again");
            (await page.Locator("#dead tbody tr").CountAsync()).ShouldBe(1);

            await page.Locator($"#dead tr[data-job=\"{dead[1]}\"] button.delete").ClickAsync();
            await page.WaitForSelectorAsync("#empty");
            (await page.InnerTextAsync("#done")).ShouldBe($"job {dead[1]} deleted");
        }
        finally
        {
            await stopLogs.CancelAsync();
            var result = await logs;
            result.ExitCode.ShouldBe(0, result.Output);
        }

        // The store agrees: the retried job waits again with all its attempts, the deleted one is gone.
        await using (var engine = QueueEngineFactory.Open("sqlite://" + db))
        {
            await engine.InitializeAsync(ct);
            var stats = await engine.StatsAsync("mail", ct);
            (stats.Ready, stats.Dead).ShouldBe((2L, 0L));
            (await engine.GetAsync(dead[0], ct))!.State.ShouldBe(JobState.Ready);
            (await engine.GetAsync(dead[1], ct)).ShouldBeNull();
        }
    }

    [GeneratedRegex(@"^http (http://127\.0\.0\.1:\d+/)$", RegexOptions.Multiline)]
    private static partial Regex HttpLine();
}
