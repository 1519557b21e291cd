namespace Slipway.Monitor.Checks;

/// <summary>
/// A supervised program's processes (<see cref="SuperviseCheckOptions"/>). An unreachable daemon is CRITICAL: nothing
/// it supervises can be vouched for, and that is the service failing, not the check.
/// </summary>
public sealed class SuperviseCheck(SuperviseCheckOptions options, IProcessStates? source, TimeProvider? timeProvider = null) : ICheck
{
    private const string Name = "SUPERVISE";
    private readonly SuperviseCheckOptions _options = options ?? throw new ArgumentNullException(nameof(options));
    private readonly Thresholds _thresholds = Thresholds.Parse(options.Warning, options.Critical);
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    public Task<CheckResult> RunAsync(TimeSpan timeout, CancellationToken ct) =>
        BuiltInCheck.RunAsync(Name, timeout, _time, async token =>
        {
            if (source is null)
            {
                return CheckResult.Unknown($"{Name} UNKNOWN - (the supervise daemon's status is not available here)");
            }

            IReadOnlyList<ProcessStatus> all;
            try
            {
                all = await source.ReadAsync(_options.Socket, token);
            }
            catch (CheckSourceException e)
            {
                return new CheckResult { State = ServiceState.Critical, Output = BuiltInCheck.Line(Name, ServiceState.Critical, e.Message) };
            }

            return Judge(_options, _thresholds, all);
        }, ct);

    /// <summary>The result for <paramref name="all"/> of the daemon's processes. Pure.</summary>
    internal static CheckResult Judge(SuperviseCheckOptions options, Thresholds thresholds, IReadOnlyList<ProcessStatus> all)
    {
        var mine = all.Where(p => p.Group == options.Program || p.Name == options.Program).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        if (mine.Count == 0)
        {
            return new CheckResult
            {
                State = ServiceState.Critical,
                Output = BuiltInCheck.Line(Name, ServiceState.Critical, $"no program '{options.Program}' in the supervisor ({all.Count} processes, none of it)"),
            };
        }

        var running = mine.Count(p => p.State == "RUNNING");
        var state = thresholds.Warning is null && thresholds.Critical is null
            ? (mine.Any(p => p.State is not "RUNNING" and not "STARTING") ? ServiceState.Critical
                : mine.Any(p => p.State == "STARTING") ? ServiceState.Warning : ServiceState.Ok)
            : thresholds.Evaluate(running);
        var down = mine.Where(p => p.State != "RUNNING").Select(p => $"{p.Name} {p.State}{(p.Description.Length > 0 ? " (" + p.Description + ")" : "")}").ToList();
        var text = down.Count == 0
            ? $"{options.Program}: {running} of {mine.Count} RUNNING"
            : $"{options.Program}: {running} of {mine.Count} RUNNING; {string.Join(", ", down)}";
        return new CheckResult
        {
            State = state,
            Output = BuiltInCheck.Line(Name, state, text),
            LongOutput = string.Join('\n', mine.Select(p => $"{p.Name} {p.State} {p.Description}".TrimEnd())),
            PerfData = [new PerfDatum("running", running, "", options.Warning, options.Critical, 0, mine.Count)],
        };
    }
}
