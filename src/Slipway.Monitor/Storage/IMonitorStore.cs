using Slipway.Monitor.Scheduling;

namespace Slipway.Monitor.Storage;

/// <summary>
/// Results, state changes and perfdata history of <c>monitor serve</c>. Raw results are kept for
/// <see cref="RetentionPolicy.Raw"/>; perfdata is rolled up into per-5-minute and hourly min/avg/max (docs/monitor.md,
/// "History and sizing").
/// </summary>
public interface IMonitorStore : IAsyncDisposable
{
    string Kind { get; }

    /// <summary>Creates or upgrades the schema.</summary>
    Task MigrateAsync(CancellationToken ct);

    /// <summary>The runs and their events, in one transaction.</summary>
    Task WriteAsync(IReadOnlyList<CheckRun> runs, CancellationToken ct);

    /// <summary>The newest raw results of <paramref name="check"/>, newest first.</summary>
    Task<IReadOnlyList<StoredResult>> ResultsAsync(string check, int limit, CancellationToken ct);

    /// <summary>State changes since <paramref name="since"/>, oldest first.</summary>
    Task<IReadOnlyList<StoredEvent>> EventsAsync(DateTimeOffset since, CancellationToken ct);

    /// <summary>A perfdata series at <paramref name="resolution"/> between two times, oldest first.</summary>
    Task<IReadOnlyList<PerfPoint>> SeriesAsync(string check, string label, Resolution resolution, DateTimeOffset since, DateTimeOffset until,
        CancellationToken ct);

    /// <summary>Rolls up every complete bucket up to <paramref name="now"/> and deletes what is past its retention.</summary>
    Task<RollupOutcome> RollupAsync(DateTimeOffset now, RetentionPolicy policy, CancellationToken ct);
}

public enum Resolution
{
    FiveMinutes,
    Hour,
}

public sealed record StoredResult(string Check, DateTimeOffset At, ServiceState State, bool Hard, int Attempt, TimeSpan Duration,
    string Output, string PerfData);

public sealed record StoredEvent(string Check, DateTimeOffset At, string Kind, ServiceState From, ServiceState To, string Output,
    string? SuppressedBecause);

/// <summary>One bucket of a series: the least, mean and greatest value measured in it.</summary>
public sealed record PerfPoint(DateTimeOffset At, double Min, double Avg, double Max);

public sealed record RollupOutcome(int FiveMinuteBuckets, int HourBuckets, long RawDeleted);

/// <summary>How long each kind of history is kept; the defaults keep a year of 1,000 checks a minute under 1 GB.</summary>
public sealed record RetentionPolicy
{
    public TimeSpan Raw { get; init; } = TimeSpan.FromDays(2);

    public TimeSpan FiveMinutes { get; init; } = TimeSpan.FromDays(30);

    public TimeSpan Hours { get; init; } = TimeSpan.FromDays(366);

    /// <summary>State changes are few (they are what alerts are made of) and kept as long as the hourly history.</summary>
    public TimeSpan Events { get; init; } = TimeSpan.FromDays(366);
}
