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

    private static LogEvent JobFailed(string at, string host, string queue, long job, int attempt, bool dead, string error, string? output = null) =>
        TracebackAssembler.WithFingerprint(new LogEvent
        {
            ReceivedAt = T(at), Host = host, Program = FailingJobs.Program, MsgId = FailingJobs.MsgId, Severity = dead ? 3 : 4,
            Message = $"job failed: queue={queue} job={job} attempt={attempt} ({(dead ? "dead-lettered" : "retrying at " + at)}): {error}"
                + (output is null ? "" : "\n" + output),
        });

    [Fact(Timeout = 30_000)]
    public async Task Digest_lists_the_top_failing_jobs_by_queue_and_error_next_to_the_traceback_groups()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        await using var store = LogStoreFactory.Open(dir.File("logs.db"));
        await store.MigrateAsync(ct);
        const string Trace = "Traceback (most recent call last):\n  File \"/srv/shop/notes/jobs.py\", line 12, in add_note\n    raise ValueError('a note needs some text')\nValueError: a note needs some text";
        await store.WriteAsync(
        [
            // emails: one error, three jobs, four failed attempts, one dead, on two hosts.
            JobFailed("2026-11-10T08:00:00Z", "web1", "emails", 42, 1, false, "exit code 1: cannot reach smtp", "cannot reach smtp"),
            JobFailed("2026-11-10T08:01:00Z", "web2", "emails", 42, 2, true, "exit code 1: cannot reach smtp", "cannot reach smtp"),
            JobFailed("2026-11-10T09:00:00Z", "web1", "emails", 43, 1, false, "exit code 1: cannot reach smtp"),
            JobFailed("2026-11-10T09:30:00Z", "web1", "emails", 47, 1, false, "exit code 1: cannot reach smtp"),
            // notes: a Python worker's traceback, so the job links to its traceback group.
            JobFailed("2026-11-10T10:00:00Z", "web1", "notes", 7, 1, false, "ValueError: a note needs some text", Trace),
            JobFailed("2026-11-10T10:05:00Z", "web1", "notes", 7, 2, true, "ValueError: a note needs some text", Trace),
            // A time-out in another queue, once.
            JobFailed("2026-11-10T11:00:00Z", "web2", "thumbs", 9, 1, false, "timed out after 10m"),
            // Outside the window, another program, another msgid: not counted.
            JobFailed("2026-11-09T23:59:00Z", "web1", "emails", 40, 1, false, "exit code 1: cannot reach smtp"),
            new LogEvent { ReceivedAt = T("2026-11-10T12:00:00Z"), Host = "web1", Program = "gunicorn", Severity = 3, Message = "job failed: queue=emails job=1 attempt=1 (dead-lettered): fake" },
            new LogEvent { ReceivedAt = T("2026-11-10T12:00:00Z"), Host = "web1", Program = FailingJobs.Program, MsgId = "other", Severity = 4, Message = "job failed: queue=emails job=2 attempt=1 (dead-lettered): fake" },
        ], ct);

        var report = await DigestReport.BuildAsync(store, T("2026-11-10T00:00:00Z"), T("2026-11-11T00:00:00Z"), 10, "https://logs.example.com", ct);

        report.FailingJobs.Select(j => (j.Queue, j.Failures)).ShouldBe([("emails", 4L), ("notes", 2L), ("thumbs", 1L)]);
        Golden.Verify(report.Subject + "\n\n" + report.ToText(), "Digest", "failing-jobs-text");
        Golden.Verify(report.ToHtml(), "Digest", "failing-jobs-html");
    }

    [Fact]
    public void Only_the_queues_failure_lines_parse_and_the_error_is_what_follows_the_attempt()
    {
        FailingJobs.Parse("job failed: queue=app:mail.high job=12 attempt=3 (retrying at 2026-11-10T08:00:00Z): exit code 2: boom\noutput")
            .ShouldBe(new FailureLine("app:mail.high", 12, 3, false, "exit code 2: boom"));
        FailingJobs.Parse("job failed: queue=q job=1 attempt=1 (dead-lettered): attempt 1 of 1: lease expired (worker lost)")
            .ShouldBe(new FailureLine("q", 1, 1, true, "attempt 1 of 1: lease expired (worker lost)"));
        FailingJobs.Parse("job failed: queue=q job=x attempt=1 (dead-lettered): e").ShouldBeNull();
        FailingJobs.Parse("something else").ShouldBeNull();
    }
}
