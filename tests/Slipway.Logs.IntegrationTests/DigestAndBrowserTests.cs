using System.Net;
using Slipway.Cli.Tests.Support;
using Slipway.Logs.IntegrationTests.Fixtures;
using Slipway.Logs.Model;
using Slipway.Logs.Server;
using Slipway.Logs.Storage;
using Slipway.Logs.Tracebacks;
using Slipway.Testing;

namespace Slipway.Logs.IntegrationTests;

public sealed class DigestAndBrowserTests
{
    private const string KeyErrorTb = """
        Traceback (most recent call last):
          File "/srv/shop/cart.py", line 5, in add
            item = catalogue[sku]
        KeyError: 'ABC-1'
        """;

    private const string TimeoutTb = """
        Traceback (most recent call last):
          File "/srv/shop/payments.py", line 80, in charge
            gateway.post(payload)
        TimeoutError: timed out
        """;

    private static readonly string[] ProductionHosts = ["deploy@web1.example.com", "deploy@web2.example.com"];
    private static readonly string[] StagingHosts = ["stage1"];

    private static string Deploy(string stage, string release, string commit, TimeSpan ago, string result) =>
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["action"] = "deploy", ["stage"] = stage, ["result"] = result, ["user"] = "alice", ["machine"] = "laptop",
            ["started"] = DateTimeOffset.UtcNow - ago, ["duration_ms"] = 1500, ["release"] = release, ["commit"] = commit,
            ["hosts"] = stage == "production" ? ProductionHosts : StagingHosts,
        });

    private static async Task SeedAsync(string db, CancellationToken ct, DateTimeOffset? at = null)
    {
        await using var store = LogStoreFactory.Open(db);
        await store.MigrateAsync(ct);
        var now = at ?? DateTimeOffset.UtcNow;
        var events = new List<LogEvent>();
        for (var i = 0; i < 5; i++)
        {
            events.Add(TracebackAssembler.WithFingerprint(new LogEvent
            {
                ReceivedAt = now.AddMinutes(-i), Host = i % 2 == 0 ? "web1" : "web2", Program = "gunicorn", Severity = 3, Message = KeyErrorTb,
            }));
        }

        events.Add(TracebackAssembler.WithFingerprint(new LogEvent
        {
            ReceivedAt = now.AddMinutes(-3), Host = "worker1", Program = "celery", Severity = 3, Message = TimeoutTb,
        }));
        events.Add(new LogEvent { ReceivedAt = now, Host = "db1", Program = "postgres", Severity = 3, Message = "deadlock detected" });
        events.Add(new LogEvent { ReceivedAt = now, Host = "web1", Program = "nginx", Severity = 6, Message = "GET / 200" });
        await store.WriteAsync(events, ct);
    }

    [Fact]
    public async Task Digest_is_delivered_to_a_real_smtp_server_with_groups_counts_and_new_marks()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var db = dir.File("logs.db");
        await SeedAsync(db, ct);
        await using var smtp = await SmtpSink.StartAsync(ct);

        var (code, output) = await CliRunner.RunAsync("logs", "digest", "--db", db, "--since", "24h", "--top", "20",
            "--smtp", $"127.0.0.1:{smtp.Port}", "--from", "logs@example.com", "--to", "ops@example.com", "--to", "dev@example.com",
            "--base-url", "https://logs.example.com");

        code.ShouldBe(0, output);
        output.ShouldContain("sent \"Slipway logs: 6 tracebacks in 2 groups (2 new)");
        (await Eventually.ForAsync(() => smtp.Messages.Count == 1, TimeSpan.FromSeconds(10), ct)).ShouldBeTrue();
        var mail = smtp.Messages.Single();
        mail.ShouldContain("From: logs@example.com");
        mail.ShouldContain("To: ops@example.com, dev@example.com");
        mail.ShouldContain("Subject: Slipway logs: 6 tracebacks in 2 groups (2 new)");
        mail.ShouldContain("multipart/alternative");
        mail.ShouldContain("text/html");
        mail.ShouldContain("1.      5x  (none before)  [NEW] KeyError: 'ABC-1'");
        mail.ShouldContain("2.      1x  (none before)  [NEW] TimeoutError: timed out");
        mail.ShouldContain("https://logs.example.com/groups/");
        mail.ShouldContain("       3  web1 gunicorn");
        mail.ShouldContain("       1  db1 postgres");

        // The next digest no longer marks these groups new: "new" means new since the last digest sent.
        var (_, dry) = await CliRunner.RunAsync("logs", "digest", "--db", db, "--dry-run");
        dry.ShouldContain("5x  (none before)  KeyError: 'ABC-1'");
        dry.ShouldNotContain("[NEW]");
    }

    [Fact]
    public async Task Serve_mails_the_digest_when_its_cron_schedule_comes_due()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var db = dir.File("logs.db");
        var start = new DateTimeOffset(2026, 11, 27, 11, 59, 0, TimeSpan.Zero);
        await SeedAsync(db, ct, start);
        await using var smtp = await SmtpSink.StartAsync(ct);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(start);
        var digest = new ScheduledDigest(Slipway.Core.Scheduling.CronSchedule.Parse("0 12 * * *"), new Slipway.Logs.Digest.SmtpSettings("127.0.0.1", smtp.Port),
            "logs@example.com", ["ops@example.com"], TimeSpan.FromHours(24), 20, null);
        await using var server = new LogServer(new LogServerOptions { Database = db, Http = new IPEndPoint(IPAddress.Loopback, 0), Digest = digest }, null, clock);
        await server.StartAsync(ct);

        // Time moves only when the test moves it: 15 s of server time per poll, until the mail arrives.
        (await Eventually.ForAsync(() =>
        {
            clock.Advance(TimeSpan.FromSeconds(15));
            return smtp.Messages.Count > 0;
        }, TimeSpan.FromSeconds(30), ct)).ShouldBeTrue("no digest arrived by " + clock.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture));

        var mail = smtp.Messages.ShouldHaveSingleItem();
        mail.ShouldContain("Subject: Slipway logs: 6 tracebacks in 2 groups (2 new)");
        mail.ShouldContain("To: ops@example.com");
        // Sent on the schedule, not at start-up: the server records the digest's time (just after the mail goes out).
        string? recorded = null;
        (await Eventually.ForAsync(async () => (recorded = await server.Store.GetStateAsync(Slipway.Logs.Digest.DigestReport.LastDigestKey, ct)) is not null,
            TimeSpan.FromSeconds(10), ct)).ShouldBeTrue();
        var sent = DateTimeOffset.Parse(recorded!, System.Globalization.CultureInfo.InvariantCulture);
        sent.ShouldBeGreaterThanOrEqualTo(start.AddMinutes(1));
        sent.ShouldBeLessThan(start.AddMinutes(3));
    }

    [Fact]
    public async Task Users_log_in_with_name_and_password_and_viewers_cannot_post_events()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var db = dir.File("logs.db");
        await SeedAsync(db, ct);
        var users = new Dictionary<string, LogUser>
        {
            ["alice"] = new(Slipway.Logs.Web.PasswordHash.Create("alice-pw", 1000), Admin: false),
            ["bob"] = new(Slipway.Logs.Web.PasswordHash.Create("bob-pw", 1000), Admin: true),
        };
        await using var server = new LogServer(new LogServerOptions { Database = db, Http = new IPEndPoint(IPAddress.Loopback, 0), Users = users });
        await server.StartAsync(ct);

        async Task<HttpClient> LogIn(string user, string password, HttpStatusCode expected)
        {
            var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true };
            var client = new HttpClient(handler, disposeHandler: true) { BaseAddress = server.HttpAddress };
            using var login = await client.PostAsync(new Uri("/login", UriKind.Relative),
                new FormUrlEncodedContent([new("user", user), new("token", password), new("next", "/groups")]), ct);
            login.StatusCode.ShouldBe(expected);
            return client;
        }

        using (var wrong = await LogIn("alice", "bob-pw", HttpStatusCode.Unauthorized))
        {
            (await wrong.GetAsync(new Uri("/groups", UriKind.Relative), ct)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }

        using var alice = await LogIn("alice", "alice-pw", HttpStatusCode.Redirect);
        (await alice.GetStringAsync(new Uri("/groups", UriKind.Relative), ct)).ShouldContain("KeyError");
        using (var post = await alice.PostAsync(new Uri("/api/logs", UriKind.Relative), new StringContent("{\"message\":\"x\"}\n"), ct))
        {
            post.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        using var bob = await LogIn("bob", "bob-pw", HttpStatusCode.Redirect);
        using (var post = await bob.PostAsync(new Uri("/api/logs", UriKind.Relative), new StringContent("{\"message\":\"from bob\"}\n"), ct))
        {
            post.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }
    }

    [Fact]
    public async Task Digest_without_smtp_or_recipients_is_a_usage_error()
    {
        using var dir = new TempDir();
        var (code, output) = await CliRunner.RunAsync("logs", "digest", "--db", dir.File("l.db"));
        code.ShouldBe(2);
        output.ShouldContain("mailing needs --smtp HOST:PORT and at least one --to");
    }

    [Fact]
    public async Task Browser_requires_login_filters_by_url_and_shows_a_traceback_group()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var db = dir.File("logs.db");
        await SeedAsync(db, ct);
        var history = dir.File("history.jsonl");
        await File.WriteAllLinesAsync(history, [
            Deploy("production", "20261101000000", "aaaaaaa111", TimeSpan.FromHours(2), "succeeded"),
            Deploy("staging", "20261102000000", "bbbbbbb222", TimeSpan.FromHours(1), "succeeded"),
            Deploy("production", "20261103000000", "ccccccc333", TimeSpan.FromMinutes(10), "failed"),
            Deploy("production", "20261104000000", "ddddddd444", TimeSpan.FromSeconds(30), "succeeded"),
        ], ct);
        await using var server = new LogServer(new LogServerOptions
        {
            Database = db, Http = new IPEndPoint(IPAddress.Loopback, 0), Token = "s3cret", DeployHistory = history,
        });
        await server.StartAsync(ct);
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true };
        using var http = new HttpClient(handler) { BaseAddress = server.HttpAddress };

        using (var anonymous = await http.GetAsync(new Uri("/?host=web1", UriKind.Relative), ct))
        {
            anonymous.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            anonymous.Headers.Location!.ToString().ShouldBe("/login?next=%2F%3Fhost%3Dweb1");
        }

        using (var wrong = await http.PostAsync(new Uri("/login", UriKind.Relative),
                   new FormUrlEncodedContent([new("token", "nope"), new("next", "/")]), ct))
        {
            wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        using (var login = await http.PostAsync(new Uri("/login", UriKind.Relative),
                   new FormUrlEncodedContent([new("token", "s3cret"), new("next", "/?host=web1")]), ct))
        {
            login.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            login.Headers.Location!.ToString().ShouldBe("/?host=web1");
        }

        var page = await http.GetStringAsync(new Uri("/?host=db1&severity=err&q=deadlock", UriKind.Relative), ct);
        page.ShouldContain("deadlock detected");
        page.ShouldNotContain("GET / 200");
        page.ShouldContain("value=\"err\" selected");

        var web1 = await http.GetStringAsync(new Uri("/?host=web1", UriKind.Relative), ct);
        web1.ShouldContain("GET / 200");
        web1.ShouldNotContain("deadlock");

        var groups = await http.GetStringAsync(new Uri("/groups", UriKind.Relative), ct);
        groups.ShouldContain("KeyError: &#x27;ABC-1&#x27;");
        var link = System.Text.RegularExpressions.Regex.Match(groups, "href=\"(/groups/[0-9a-f]+)\">KeyError").Groups[1].Value;
        var group = await http.GetStringAsync(new Uri(link, UriKind.Relative), ct);
        group.ShouldContain("<b id=\"total\">5</b> occurrences");
        group.ShouldContain("<li>web1: 3</li>");
        group.ShouldContain("<li>web2: 2</li>");
        group.ShouldContain("catalogue[sku]");
        // First seen about 4 minutes ago: after the staging and the first production deploy, before the last one.
        var firstRelease = System.Text.RegularExpressions.Regex.Match(group, "<ul id=\"first-release\">.*?</ul>").Value;
        firstRelease.ShouldContain("<li>staging: release <b>20261102000000</b>, commit <code>bbbbbbb</code> (deployed ");
        firstRelease.ShouldContain("<li>production: release <b>20261101000000</b>, commit <code>aaaaaaa</code> (deployed ");
        firstRelease.ShouldNotContain("20261104000000");
        group.ShouldNotContain("20261103000000", customMessage: "a failed deploy is no release");
        // web1 and web2 are production's hosts: the group was seen under the release live there, and the deploy 30 s ago
        // is a marker in the hourly timeline.
        var releases = System.Text.RegularExpressions.Regex.Match(group, "<ul id=\"releases\">.*?</ul>").Value;
        releases.ShouldContain("production: <a href=\"/?release=20261101000000\">20261101000000</a>");
        releases.ShouldNotContain("staging");
        group.ShouldMatch("<tr class=\"deploy\"><td>[0-9: -]+</td><td>&#9650;</td><td>production: release 20261104000000 \\(commit ddddddd, deployed by alice at ");

        // The browser filters by release: the events received while it was live.
        var byRelease = await http.GetStringAsync(new Uri("/?release=20261104000000", UriKind.Relative), ct);
        byRelease.ShouldContain("<p id=\"release-window\">Release <b>20261104000000</b> on production: live from ");
        byRelease.ShouldContain("deadlock detected");
        byRelease.ShouldNotContain("TimeoutError", customMessage: "logged 3 minutes ago, before that release went live");
        (await http.GetStringAsync(new Uri("/?release=20261101000000", UriKind.Relative), ct)).ShouldContain("TimeoutError");
        (await http.GetStringAsync(new Uri("/?release=nope", UriKind.Relative), ct)).ShouldContain("was never live according to the deploy history");

        // The API takes a bearer token; /metrics is open for scrapers.
        using var api = new HttpClient { BaseAddress = server.HttpAddress };
        using (var denied = await api.PostAsync(new Uri("/api/logs", UriKind.Relative), new StringContent("{\"message\":\"x\"}"), ct))
        {
            denied.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        api.DefaultRequestHeaders.Authorization = new("Bearer", "s3cret");
        using (var accepted = await api.PostAsync(new Uri("/api/logs", UriKind.Relative),
                   new StringContent("{\"message\":\"from the api\",\"host\":\"app9\",\"severity\":\"warning\"}\n"), ct))
        {
            accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
            (await accepted.Content.ReadAsStringAsync(ct)).ShouldBe("{\"accepted\":1,\"parse_errors\":0}");
        }

        (await Eventually.ForAsync(async () => (await server.Store.QueryAsync(new LogQuery { Host = "app9" }, ct)).Count == 1,
            TimeSpan.FromSeconds(10), ct)).ShouldBeTrue();
        var metrics = await api.GetStringAsync(new Uri("/metrics", UriKind.Relative), ct);
        metrics.ShouldContain("slipway_logs_received_total{transport=\"http\"} 1");
    }
}
