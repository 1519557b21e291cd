using System.Globalization;
using System.Text.RegularExpressions;
using Slipway.Logs.Model;
using Slipway.Logs.Storage;

namespace Slipway.Logs.Digest;

/// <summary>
/// One kind of failing queue job in the digest window: a queue and the error its attempts ended with (the first line the
/// worker wrote after <c>job failed: … :</c>), with how many attempts failed, which jobs, how many were dead-lettered, and
/// the traceback group of the job's output when it printed one.
/// </summary>
public sealed record FailingJob(
    string Queue,
    string Error,
    long Failures,
    IReadOnlyList<long> JobIds,
    int DeadLettered,
    int HostCount,
    DateTimeOffset LastSeen,
    string? Fingerprint,
    string? TracebackTitle);

/// <summary>
/// The digest's "top failing jobs": the queue's failure events (program <c>slipway-queue</c>, msgid <c>job-failed</c>,
/// written by Slipway.Queue's JobFailureEvent as <c>job failed: queue=Q job=N attempt=A (dead-lettered|retrying at T):
/// ERROR</c>, then the job's output) read from the store and grouped by queue and error. Reading is bounded: a flood of
/// failures is summarised from its newest <see cref="ReadLimit"/> events.
/// </summary>
public static partial class FailingJobs
{
    public const string Program = "slipway-queue";
    public const string MsgId = "job-failed";

    /// <summary>Failure events read per digest at most (newest first).</summary>
    public const int ReadLimit = 20_000;

    private const int Page = 1_000;

    /// <summary>The failures in [since, until), grouped, most failed attempts first; <c>Read</c> is how many events were read.</summary>
    public static async Task<(IReadOnlyList<FailingJob> Top, FailureTotals Totals)> ReadAsync(
        ILogStore store, DateTimeOffset since, DateTimeOffset until, int top, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        var events = new List<LogEvent>();
        long? before = null;
        while (events.Count < ReadLimit)
        {
            var page = await store.QueryAsync(
                new LogQuery { Program = Program, Since = since, Until = until, BeforeId = before, Limit = Math.Min(Page, ReadLimit - events.Count) }, ct);
            events.AddRange(page.Select(e => e.Event));
            if (page.Count < Page)
            {
                break;
            }

            before = page[page.Count - 1].Id;
        }

        return Summarize(events, top, cut: events.Count >= ReadLimit);
    }

    /// <summary>Groups failure events (others are ignored); pure.</summary>
    public static (IReadOnlyList<FailingJob> Top, FailureTotals Totals) Summarize(IEnumerable<LogEvent> events, int top, bool cut = false)
    {
        ArgumentNullException.ThrowIfNull(events);
        var failures = events.Where(e => e.Program == Program && e.MsgId == MsgId)
            .Select(e => (Event: e, Line: Parse(e.Message)))
            .Where(f => f.Line is not null)
            .ToList();
        var groups = failures
            .GroupBy(f => (f.Line!.Queue, f.Line.Error))
            .Select(g =>
            {
                var newest = g.Select(f => f.Event).MaxBy(e => e.ReceivedAt)!;
                var traced = g.Select(f => f.Event).Where(e => e.Fingerprint is not null).MaxBy(e => e.ReceivedAt);
                return new FailingJob(
                    g.Key.Queue,
                    g.Key.Error,
                    g.Count(),
                    [.. g.Select(f => f.Line!.JobId).Distinct().Order()],
                    g.Where(f => f.Line!.Dead).Select(f => f.Line!.JobId).Distinct().Count(),
                    g.Select(f => f.Event.Host).Distinct(StringComparer.Ordinal).Count(),
                    newest.ReceivedAt,
                    traced?.Fingerprint,
                    traced?.Title);
            })
            .OrderByDescending(j => j.Failures).ThenByDescending(j => j.LastSeen)
            .ThenBy(j => j.Queue, StringComparer.Ordinal).ThenBy(j => j.Error, StringComparer.Ordinal)
            .ToList();
        var totals = new FailureTotals(
            failures.Count,
            failures.Select(f => f.Line!.JobId).Distinct().Count(),
            failures.Where(f => f.Line!.Dead).Select(f => f.Line!.JobId).Distinct().Count(),
            groups.Count,
            cut);
        return (groups.Take(top).ToList(), totals);
    }

    /// <summary>The first line of a failure event, or null when the message is not one.</summary>
    public static FailureLine? Parse(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var end = message.IndexOf('\n', StringComparison.Ordinal);
        var match = FirstLine().Match(end < 0 ? message : message[..end]);
        return match.Success
            ? new FailureLine(
                match.Groups["queue"].Value,
                long.Parse(match.Groups["job"].Value, CultureInfo.InvariantCulture),
                int.Parse(match.Groups["attempt"].Value, CultureInfo.InvariantCulture),
                match.Groups["what"].Value == "dead-lettered",
                match.Groups["error"].Value.Trim())
            : null;
    }

    [GeneratedRegex(@"^job failed: queue=(?<queue>\S+) job=(?<job>\d{1,18}) attempt=(?<attempt>\d{1,9}) \((?<what>dead-lettered|retrying at [^)]*)\): ?(?<error>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex FirstLine();
}

/// <summary>What a failure event's first line says.</summary>
public sealed record FailureLine(string Queue, long JobId, int Attempt, bool Dead, string Error);

/// <summary>All failures in the window: attempts, distinct jobs, jobs dead-lettered, kinds; <c>Cut</c> when only the newest were read.</summary>
public sealed record FailureTotals(long Attempts, int Jobs, int DeadLettered, int Kinds, bool Cut);
