namespace Slipway.Monitor.Checks;

/// <summary>
/// A job queue's depth (ready jobs) or its oldest ready job's age in seconds, by the ranges. A queue database that
/// cannot be read is UNKNOWN: the queue may be fine, the check could not tell.
/// </summary>
public sealed class QueueCheck(QueueCheckOptions options, IQueueMeter? source, TimeProvider? timeProvider = null) : ICheck
{
    private const string Name = "QUEUE";
    private readonly QueueCheckOptions _options = options ?? throw new ArgumentNullException(nameof(options));
    private readonly Thresholds _thresholds = Thresholds.Parse(options.Warning, options.Critical);
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    public Task<CheckResult> RunAsync(TimeSpan timeout, CancellationToken ct) =>
        BuiltInCheck.RunAsync(Name, timeout, _time, async token =>
        {
            if (source is null)
            {
                return CheckResult.Unknown($"{Name} UNKNOWN - (the job queue is not available here: no queue section in slipway.yml?)");
            }

            try
            {
                return Judge(_options, _thresholds, await source.ReadAsync(_options.Queue, token));
            }
            catch (CheckSourceException e)
            {
                return CheckResult.Unknown(BuiltInCheck.Line(Name, ServiceState.Unknown, e.Message));
            }
        }, ct);

    /// <summary>The result for one measure. Pure.</summary>
    internal static CheckResult Judge(QueueCheckOptions options, Thresholds thresholds, QueueMeasure measure)
    {
        var age = measure.OldestReadyAge is { } a ? Math.Max(0, a.TotalSeconds) : 0;
        var (value, text) = options.Measure == QueueMeasureKind.Depth
            ? ((double)measure.Ready, $"queue {options.Queue}: {measure.Ready} ready")
            : (age, $"queue {options.Queue}: oldest ready job waiting {BuiltInCheck.Seconds(age)} s");
        var state = thresholds.Evaluate(value);
        var oldest = measure.Ready == 0 ? "" : $", oldest {BuiltInCheck.Seconds(age)} s";
        return new CheckResult
        {
            State = state,
            Output = BuiltInCheck.Line(Name, state, options.Measure == QueueMeasureKind.Depth ? text + oldest : text + $" ({measure.Ready} ready)"),
            PerfData =
            [
                new PerfDatum("ready", measure.Ready, "", Ranges(options, QueueMeasureKind.Depth).Warn, Ranges(options, QueueMeasureKind.Depth).Crit, 0),
                new PerfDatum("oldest_age", age, "s", Ranges(options, QueueMeasureKind.OldestAge).Warn, Ranges(options, QueueMeasureKind.OldestAge).Crit, 0),
            ],
        };
    }

    /// <summary>The ranges belong to the perfdata of the measured value only.</summary>
    private static (string? Warn, string? Crit) Ranges(QueueCheckOptions options, QueueMeasureKind kind) =>
        options.Measure == kind ? (options.Warning, options.Critical) : (null, null);
}
