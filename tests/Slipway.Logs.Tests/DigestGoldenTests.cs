using System.Globalization;
using Slipway.Logs.Digest;
using Slipway.Logs.Model;
using Slipway.Logs.Releases;
using Slipway.Logs.Storage;
using Slipway.Logs.Tracebacks;
using Slipway.Testing;

namespace Slipway.Logs.Tests;

/// <summary>
/// The digest a user reads, whole, as golden files: new, regressed and ongoing groups with the release that brought
/// each, and the per-stage line. Fixed times and a fixed history, so every line is checked, not just fragments.
/// </summary>
public sealed class DigestGoldenTests
{
    private static DateTimeOffset T(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture);

    private static DeployMark Mark(string stage, string release, string finished, string user, params string[] hosts) =>
        new(T(finished), stage, "deploy", release, "0123abc" + release, user) { Hosts = hosts };

    private static LogEvent Traceback(string at, string host, string file, string function, string exception) =>
        TracebackAssembler.WithFingerprint(new LogEvent
        {
            ReceivedAt = T(at), Host = host, Program = "gunicorn", Severity = 3,
            Message = $"Traceback (most recent call last):\n  File \"/srv/shop/{file}\", line 5, in {function}\n    run()\n{exception}",
        });

    [Fact(Timeout = 30_000)]
    public async Task Digest_text_and_html_name_the_release_behind_each_group_and_summarise_each_stage()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        await using var store = LogStoreFactory.Open(dir.File("logs.db"));
        await store.MigrateAsync(ct);
        await store.WriteAsync(
        [
            // Seen the day before and in the period: ongoing, first seen under A.
            Traceback("2026-11-09T12:00:00Z", "web1", "cart.py", "add", "KeyError: 'ABC-1'"),
            Traceback("2026-11-10T08:00:00Z", "web2", "cart.py", "add", "KeyError: 'ABC-1'"),
            Traceback("2026-11-10T14:00:00Z", "web1", "cart.py", "add", "KeyError: 'ABC-1'"),
            // First seen after B went live: new since B.
            Traceback("2026-11-10T10:45:00Z", "web1", "payments.py", "charge", "TimeoutError: gateway timed out"),
            Traceback("2026-11-10T11:15:00Z", "web2", "payments.py", "charge", "TimeoutError: gateway timed out"),
            // Silent since October, back under B: regressed.
            Traceback("2026-10-20T09:00:00Z", "web2", "search.py", "query", "ValueError: bad page"),
            Traceback("2026-11-10T16:20:00Z", "web2", "search.py", "query", "ValueError: bad page"),
            // Staging's own error, under S2.
            Traceback("2026-11-10T13:00:00Z", "stage1", "export.py", "csv", "UnicodeEncodeError: 'ascii' codec"),
            new LogEvent { ReceivedAt = T("2026-11-10T09:00:00Z"), Host = "db1", Program = "postgres", Severity = 3, Message = "deadlock detected" },
        ], ct);
        var timeline = new DeployTimeline([
            Mark("production", "20261101100000", "2026-11-01T10:00:00Z", "alice", "web1", "web2"),
            Mark("staging", "20261110090000", "2026-11-10T09:00:00Z", "carol", "stage1"),
            Mark("production", "20261110103000", "2026-11-10T10:30:00Z", "bob", "web1", "web2"),
        ]);

        var report = await DigestReport.BuildAsync(
            store, T("2026-11-10T00:00:00Z"), T("2026-11-11T00:00:00Z"), 10, "https://logs.example.com", ct, timeline);

        Golden.Verify(report.Subject + "\n\n" + report.ToText(), "Digest", "releases-text");
        Golden.Verify(report.ToHtml(), "Digest", "releases-html");
    }
}
