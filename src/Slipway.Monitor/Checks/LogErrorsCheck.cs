using System.Globalization;

namespace Slipway.Monitor.Checks;

/// <summary>
/// The error rate in the central logs: events of severity err or worse per minute over the window, by the ranges. A
/// store that cannot be read is UNKNOWN.
/// </summary>
public sealed class LogErrorsCheck(LogErrorsCheckOptions options, ILogErrorCounter? source, TimeProvider? timeProvider = null) : ICheck
{
    private const string Name = "LOG ERRORS";
    private readonly LogErrorsCheckOptions _options = options ?? throw new ArgumentNullException(nameof(options));
    private readonly Thresholds _thresholds = Thresholds.Parse(options.Warning, options.Critical);
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    public Task<CheckResult> RunAsync(TimeSpan timeout, CancellationToken ct) =>
        BuiltInCheck.RunAsync(Name, timeout, _time, async token =>
        {
            if (source is null)
            {
                return CheckResult.Unknown($"{Name} UNKNOWN - (the central logs are not available here: no logs.db in slipway.yml?)");
            }

            var until = _time.GetUtcNow();
            try
            {
                return Judge(_options, _thresholds, await source.CountAsync(until - _options.Window, until, token));
            }
            catch (CheckSourceException e)
            {
                return CheckResult.Unknown(BuiltInCheck.Line(Name, ServiceState.Unknown, e.Message));
            }
        }, ct);

    /// <summary>The result for the counts of one window. Pure.</summary>
    internal static CheckResult Judge(LogErrorsCheckOptions options, Thresholds thresholds, IReadOnlyList<LogErrorCount> counts)
    {
        var mine = counts.Where(c => (options.Host is null || string.Equals(c.Host, options.Host, StringComparison.OrdinalIgnoreCase)) &&
                                     (options.Program is null || c.Program == options.Program)).ToList();
        var errors = mine.Sum(c => c.Count);
        var perMinute = errors / options.Window.TotalMinutes;
        var state = thresholds.Evaluate(perMinute);
        var scope = string.Join(" ", new[] { options.Program is null ? null : "from " + options.Program, options.Host is null ? null : "on " + options.Host }
            .Where(s => s is not null));
        var worst = mine.OrderByDescending(c => c.Count).ThenBy(c => c.Host, StringComparer.Ordinal).Take(3)
            .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Program}@{c.Host} {c.Count}")).ToList();
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{perMinute:0.##} errors/min over {Core.Durations.Format(options.Window)}{(scope.Length > 0 ? " " + scope : "")} ({errors} events)");
        return new CheckResult
        {
            State = state,
            Output = BuiltInCheck.Line(Name, state, worst.Count == 0 ? text : text + "; most from " + string.Join(", ", worst)),
            PerfData =
            [
                new PerfDatum("errors_per_minute", Math.Round(perMinute, 3), "", options.Warning, options.Critical, 0),
                new PerfDatum("errors", errors, "", null, null, 0),
            ],
        };
    }
}
