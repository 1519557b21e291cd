namespace Slipway.Monitor;

/// <summary>
/// One run of a check, a Nagios plugin or a built-in alike: the state, the first output line (what alerts show), the
/// long output (later lines), the performance data of all lines, and how long it took.
/// </summary>
public sealed record CheckResult
{
    public required ServiceState State { get; init; }

    /// <summary>The first line's text, before any <c>|</c>.</summary>
    public required string Output { get; init; }

    /// <summary>The lines after the first, with their perfdata parts removed; "" when there are none.</summary>
    public string LongOutput { get; init; } = "";

    public IReadOnlyList<PerfDatum> PerfData { get; init; } = [];

    public TimeSpan Duration { get; init; }

    /// <summary>The plugin's exit code; null for built-ins and for runs that did not exit (time-out, failed start).</summary>
    public int? ExitCode { get; init; }

    /// <summary>Perfdata that could not be parsed, kept verbatim (the plugin's output is never thrown away).</summary>
    public string? UnparsedPerfData { get; init; }

    public static CheckResult Unknown(string output, TimeSpan duration = default) =>
        new() { State = ServiceState.Unknown, Output = output, Duration = duration };
}
