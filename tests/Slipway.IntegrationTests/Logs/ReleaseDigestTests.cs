using System.Globalization;
using System.Net;
using System.Text.Json;
using Slipway.IntegrationTests.Deploy;
using Slipway.Logs.IntegrationTests.Fixtures;
using Slipway.Logs.Server;
using Slipway.Logs.Storage;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Logs;

/// <summary>
/// Issue 20's end-to-end case: release A deployed over SSH raises an error, release B adds a new one; the mailed digest
/// says the new group came with B (its commit and deployer) and the old one is ongoing.
/// </summary>
public sealed class ReleaseDigestTests
{
    // The app the site deploys: each argument names a function to call; a failure prints its traceback to stderr, as
    // Django's handler does, and the next call goes on (two tracebacks back to back from one pid).
    private const string AppA = """
        import sys, traceback
        def cart():
            return {}["ABC-1"]
        for name in sys.argv[1:]:
            try:
                globals()[name]()
            except Exception:
                traceback.print_exc()
        """;

    private const string AppB = """
        import sys, traceback
        def cart():
            return {}["ABC-1"]
        def payments():
            raise TimeoutError("gateway timed out")
        for name in sys.argv[1:]:
            try:
                globals()[name]()
            except Exception:
                traceback.print_exc()
        """;

    private static readonly IPEndPoint Any = new(IPAddress.Loopback, 0);

    [Fact(Timeout = 240_000)]
    public async Task The_digest_says_which_deploy_brought_a_new_error_and_that_the_old_one_is_ongoing()
    {
        Requires.Check(File.Exists("/usr/bin/logger"), "util-linux logger missing (apt-get install -y bsdutils)", Environment.GetEnvironmentVariable("CI"));
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(1, ct);
        await using var smtp = await SmtpSink.StartAsync(ct);
        var db = Path.Combine(site.Root, "logs.db");
        await using var server = new LogServer(new LogServerOptions { Database = db, SyslogTcp = Any, SenderZone = TimeZoneInfo.Utc });
        await server.StartAsync(ct);
        site.Configure();

        await File.WriteAllTextAsync(Path.Combine(site.Repo, "app.py"), AppA, ct);
        var commitA = await site.CommitAsync("release A", ct);
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var releaseA = site.Current(0);
        await RunAppAsync(site, server, ct, "cart");
        await WaitForGroupsAsync(server.Store, 1, 1, ct);

        var first = await DigestAsync(site, db, smtp, 1, ct);
        first.ShouldContain($"new since release {releaseA} (commit {commitA[..7]}, deployed by ");
        first.ShouldContain("KeyError: 'ABC-1'");

        await File.WriteAllTextAsync(Path.Combine(site.Repo, "app.py"), AppB, ct);
        var commitB = await site.CommitAsync("release B", ct);
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var releaseB = site.Current(0);
        releaseB.ShouldNotBe(releaseA);
        await RunAppAsync(site, server, ct, "cart", "payments");
        await WaitForGroupsAsync(server.Store, 2, 3, ct);

        var second = await DigestAsync(site, db, smtp, 2, ct);
        var user = JsonDocument.Parse((await File.ReadAllLinesAsync(Path.Combine(site.Root, ".slipway", "history.jsonl"), ct))[^1])
            .RootElement.GetProperty("user").GetString();
        var newSection = Section(second, "New (1)");
        newSection.ShouldContain("[NEW] TimeoutError: gateway timed out");
        newSection.ShouldContain($"new since release {releaseB} (commit {commitB[..7]}, deployed by {user} at ");
        newSection.ShouldContain("on production");
        var ongoing = Section(second, "Ongoing (1)");
        ongoing.ShouldContain("KeyError: 'ABC-1'");
        ongoing.ShouldContain($"ongoing, first seen under release {releaseA} (commit {commitA[..7]}");
        ongoing.ShouldContain($"seen on {releaseA}, {releaseB}");
        second.ShouldContain($"production: 2 releases deployed: release {releaseA}");
        second.ShouldContain($"errors/hour: {releaseA} ");
        second.ShouldContain($", then {releaseB} ");
    }

    /// <summary>Runs the live release's app on the host, its stderr piped line by line into syslog as a process's would be.</summary>
    private static async Task RunAppAsync(DeploySite site, LogServer server, CancellationToken ct, params string[] calls)
    {
        var port = server.TcpEndPoint!.Port.ToString(CultureInfo.InvariantCulture);
        var app = Path.Combine(site.DeployTo(0), "current", "app.py");
        var script = $"python3 {app} {string.Join(' ', calls)} 2>&1 >/dev/null | logger --server 127.0.0.1 --port {port} --tcp --octet-count --rfc5424 -t django -p user.err --id=$$";
        var result = await ProcessTools.RunAsync("bash", ["-c", script], ct);
        result.ExitCode.ShouldBe(0, result.Stderr);
    }

    private static async Task WaitForGroupsAsync(ILogStore store, int groups, long tracebacks, CancellationToken ct)
    {
        IReadOnlyList<GroupSummary> found = [];
        var ok = await Eventually.ForAsync(async () =>
        {
            found = await store.TopGroupsAsync(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddMinutes(1), 10, ct);
            return found.Count == groups && found.Sum(g => g.TotalCount) == tracebacks;
        }, TimeSpan.FromSeconds(30), ct);
        ok.ShouldBeTrue($"expected {groups} groups holding {tracebacks} tracebacks, found: " + string.Join("; ", found.Select(g => $"{g.TotalCount}x {g.Title}")));
    }

    private static async Task<string> DigestAsync(DeploySite site, string db, SmtpSink smtp, int mails, CancellationToken ct)
    {
        var result = await site.RunAsync("logs", "digest", "--db", db, "--since", "24h", "--smtp", $"127.0.0.1:{smtp.Port}",
            "--from", "logs@example.com", "--to", "ops@example.com");
        result.ExitCode.ShouldBe(0, result.Output);
        (await Eventually.ForAsync(() => smtp.Messages.Count == mails, TimeSpan.FromSeconds(10), ct)).ShouldBeTrue();
        var newest = Directory.GetFiles(Path.Combine(smtp.MailDir, "new")).Select(f => new FileInfo(f)).OrderBy(f => f.LastWriteTimeUtc).Last();
        await using var stream = newest.OpenRead();
        var message = await MimeKit.MimeMessage.LoadAsync(stream, ct);
        return message.TextBody ?? "";
    }

    /// <summary>The digest text from a section heading up to the next blank line.</summary>
    private static string Section(string text, string heading)
    {
        var start = text.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        start.ShouldBeGreaterThanOrEqualTo(0, $"no section '{heading}' in:\n{text}");
        var end = text.IndexOf("\n\n", start + 1, StringComparison.Ordinal);
        return end < 0 ? text[start..] : text[start..end];
    }
}
