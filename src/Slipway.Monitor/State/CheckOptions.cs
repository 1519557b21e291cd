namespace Slipway.Monitor;

/// <summary>
/// How one check is scheduled and judged; a config binder fills it from the <c>monitor:</c> section later. The defaults
/// are Icinga 2's (check every 5 minutes, retry every minute, HARD after 3 attempts) and Nagios's (recovery after one
/// success, flapping between 5 % and 20 % over the last 21 results).
/// </summary>
public sealed record CheckOptions
{
    /// <summary>Between checks while OK or in a HARD state.</summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Between checks while a problem is SOFT (not yet confirmed), and while a HARD problem awaits recovery.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Results in a row (the first failure counts) before a problem turns HARD; 1 makes every problem HARD at once.</summary>
    public int MaxCheckAttempts { get; init; } = 3;

    /// <summary>Successes in a row that end a HARD problem (a recovery); Nagios uses 1, Gatus 2.</summary>
    public int RecoverAfter { get; init; } = 1;

    /// <summary>A check still running after this is stopped and its result is UNKNOWN.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public FlapDetectionOptions Flapping { get; init; } = new();

    /// <summary>Errors in these options, each a sentence naming the option; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (CheckInterval <= TimeSpan.Zero)
        {
            errors.Add("check_interval must be greater than 0");
        }

        if (RetryInterval <= TimeSpan.Zero)
        {
            errors.Add("retry_interval must be greater than 0");
        }

        if (MaxCheckAttempts < 1)
        {
            errors.Add("max_check_attempts must be 1 or more");
        }

        if (RecoverAfter < 1)
        {
            errors.Add("recover_after must be 1 or more");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            errors.Add("timeout must be greater than 0");
        }

        errors.AddRange(Flapping.Validate());
        return errors;
    }
}

/// <summary>Flap detection thresholds, in percent state change (see <see cref="FlapHistory"/>).</summary>
public sealed record FlapDetectionOptions
{
    public bool Enabled { get; init; } = true;

    /// <summary>Flapping stops at or below this.</summary>
    public double LowThreshold { get; init; } = 5.0;

    /// <summary>Flapping starts at or above this.</summary>
    public double HighThreshold { get; init; } = 20.0;

    public IReadOnlyList<string> Validate() =>
        LowThreshold < 0 || HighThreshold > 100 || LowThreshold >= HighThreshold
            ? ["flapping thresholds must satisfy 0 <= low_threshold < high_threshold <= 100"]
            : [];
}
