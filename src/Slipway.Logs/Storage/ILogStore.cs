using Slipway.Logs.Model;

namespace Slipway.Logs.Storage;

/// <summary>Where events live: SQLite, MariaDB/MySQL or PostgreSQL (see <see cref="LogStoreFactory"/>).</summary>
public interface ILogStore : IAsyncDisposable
{
    /// <summary>"sqlite", "mysql" or "postgres".</summary>
    string Kind { get; }

    /// <summary>Creates or upgrades the schema to the newest version; returns the version now in place.</summary>
    Task<int> MigrateAsync(CancellationToken ct);

    /// <summary>
    /// For commands that only read: checks that Slipway's schema is there, at a version this Slipway reads, and never
    /// creates or upgrades anything. Throws <see cref="LogStoreException"/> saying what is missing.
    /// </summary>
    Task CheckSchemaAsync(CancellationToken ct);

    /// <summary>Writes a batch in one transaction, with the traceback-group counters it implies.</summary>
    Task WriteAsync(IReadOnlyList<LogEvent> batch, CancellationToken ct);

    /// <summary>Newest first, at most <see cref="LogQuery.Limit"/>; page on with <see cref="LogQuery.BeforeId"/>.</summary>
    Task<IReadOnlyList<StoredEvent>> QueryAsync(LogQuery query, CancellationToken ct);

    /// <summary>Traceback groups seen in [since, until), most frequent first.</summary>
    Task<IReadOnlyList<GroupSummary>> TopGroupsAsync(DateTimeOffset since, DateTimeOffset until, int top, CancellationToken ct);

    Task<GroupDetail?> GetGroupAsync(string fingerprint, CancellationToken ct);

    /// <summary>A group's occurrences per hour and host, oldest first (what release attribution joins with deploy history).</summary>
    Task<IReadOnlyList<GroupHostHour>> GroupHostHoursAsync(string fingerprint, CancellationToken ct);

    /// <summary>The group's first stored event received at or after <paramref name="since"/>; null when there is none.</summary>
    Task<Occurrence?> FirstOccurrenceAsync(string fingerprint, DateTimeOffset since, CancellationToken ct);

    /// <summary>Events of severity err or worse in [since, until), per host and program.</summary>
    Task<IReadOnlyList<ErrorCount>> ErrorCountsAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct);

    Task<string?> GetStateAsync(string key, CancellationToken ct);

    Task SetStateAsync(string key, string value, CancellationToken ct);

    /// <summary>Deletes up to <paramref name="batchSize"/> events received before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int batchSize, CancellationToken ct);
}

public sealed record LogQuery
{
    public DateTimeOffset? Since { get; init; }

    public DateTimeOffset? Until { get; init; }

    public string? Host { get; init; }

    public string? Program { get; init; }

    /// <summary>This severity and worse (lower numbers): "err" shows err, crit, alert and emerg.</summary>
    public int? MaxSeverity { get; init; }

    public int? Facility { get; init; }

    /// <summary>Words that must all occur in the message (full-text index).</summary>
    public string? Text { get; init; }

    public string? Fingerprint { get; init; }

    /// <summary>Keyset paging: only events with a smaller id.</summary>
    public long? BeforeId { get; init; }

    public int Limit { get; init; } = 100;
}

public sealed record StoredEvent(long Id, LogEvent Event);

public sealed record GroupSummary(
    string Fingerprint,
    string Title,
    long CountInWindow,
    long CountPreviousWindow,
    long TotalCount,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    int HostCount);

public sealed record GroupDetail(
    string Fingerprint,
    string Title,
    long TotalCount,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    string Example,
    IReadOnlyList<HourCount> Hours,
    IReadOnlyList<HostCount> Hosts);

public sealed record HourCount(DateTimeOffset Hour, long Count);

public sealed record GroupHostHour(DateTimeOffset Hour, string Host, long Count);

public sealed record Occurrence(DateTimeOffset ReceivedAt, string Host);

public sealed record HostCount(string Host, long Count);

public sealed record ErrorCount(string Host, string Program, long Count);
