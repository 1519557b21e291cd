namespace Slipway.Monitor;

/// <summary>
/// One performance datum, <c>'label'=value[UOM];[warn];[crit];[min];[max]</c>. <see cref="Value"/> is null for
/// <c>U</c> (the plugin could not measure it). Warn and crit are range texts (<see cref="ThresholdRange"/>), kept as
/// written because graphers read them as given.
/// </summary>
public sealed record PerfDatum(
    string Label,
    double? Value,
    string Unit = "",
    string? Warn = null,
    string? Crit = null,
    double? Min = null,
    double? Max = null)
{
    /// <summary>The units the plugin API allows; anything else makes the datum unparseable.</summary>
    public static IReadOnlyList<string> Units { get; } = ["", "s", "ms", "us", "%", "B", "KB", "MB", "GB", "TB", "c"];

    /// <summary>The datum as a plugin writes it (label quoted when needed, trailing empty fields dropped).</summary>
    public override string ToString() => Plugins.PerfDataFormatter.Format(this);
}
