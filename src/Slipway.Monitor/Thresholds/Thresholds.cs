namespace Slipway.Monitor;

/// <summary>A warning and a critical range for one measured value, as the built-in checks take them.</summary>
public sealed record Thresholds(ThresholdRange? Warning, ThresholdRange? Critical)
{
    public static Thresholds None { get; } = new(null, null);

    /// <summary>Parses both texts (null or empty means "no threshold").</summary>
    public static Thresholds Parse(string? warning, string? critical) =>
        new(string.IsNullOrWhiteSpace(warning) ? null : ThresholdRange.Parse(warning),
            string.IsNullOrWhiteSpace(critical) ? null : ThresholdRange.Parse(critical));

    /// <summary>CRITICAL when the critical range alerts, else WARNING when the warning range does, else OK (check_* order).</summary>
    public ServiceState Evaluate(double value)
    {
        if (Critical?.Alerts(value) == true)
        {
            return ServiceState.Critical;
        }

        return Warning?.Alerts(value) == true ? ServiceState.Warning : ServiceState.Ok;
    }
}
