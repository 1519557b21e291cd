using System.Globalization;

namespace Slipway.Supervisor.Health;

public enum HealthChange
{
    None,
    BecameHealthy,
    BecameUnhealthy,
}

/// <summary>
/// The health of one process run from its check results: healthy after a success, unhealthy after
/// <c>healthcheck_retries</c> failures in a row, pending until one of the two. Failures inside the start period
/// (<c>healthcheck_start_period</c>) before the first success do not count. Reset at every spawn.
/// </summary>
public sealed class HealthTracker(int retries)
{
    /// <summary>True after a success, false after <c>retries</c> failures in a row, null before either.</summary>
    public bool? Healthy { get; private set; }

    public int Failures { get; private set; }

    public string? LastError { get; private set; }

    public long Checks { get; private set; }

    public long FailedChecks { get; private set; }

    /// <summary>Whether a check has passed since the last reset (the start is confirmed).</summary>
    public bool PassedOnce { get; private set; }

    /// <summary>Records one result (null error = success) and says whether the health changed.</summary>
    /// <remarks><paramref name="inStartPeriod"/>: a failure before the first success does not count towards the retries.</remarks>
    public HealthChange Record(string? error, bool inStartPeriod = false)
    {
        Checks++;
        if (error is null)
        {
            var was = Healthy;
            Failures = 0;
            LastError = null;
            Healthy = true;
            PassedOnce = true;
            return was == true ? HealthChange.None : HealthChange.BecameHealthy;
        }

        FailedChecks++;
        LastError = error;
        if (inStartPeriod && !PassedOnce)
        {
            return HealthChange.None;
        }

        Failures++;
        if (Failures >= retries && Healthy != false)
        {
            Healthy = false;
            return HealthChange.BecameUnhealthy;
        }

        return HealthChange.None;
    }

    public void Reset()
    {
        Healthy = null;
        PassedOnce = false;
        Failures = 0;
        LastError = null;
    }

    /// <summary>
    /// What follows the RUNNING description: "healthy", "unhealthy: why", "health check failing (1/3): why", or before
    /// the first success (and any counted failure) "starting (health check pending)".
    /// </summary>
    public string Describe() => Healthy switch
    {
        false => "unhealthy: " + LastError,
        _ when Failures > 0 => string.Create(CultureInfo.InvariantCulture, $"health check failing ({Failures}/{retries}): {LastError}"),
        true => "healthy",
        null => "starting (health check pending)",
    };
}
