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
/// <c>healthcheck_retries</c> failures in a row, unknown until one of the two. Reset at every spawn.
/// </summary>
public sealed class HealthTracker(int retries)
{
    /// <summary>True after a success, false after <c>retries</c> failures in a row, null before either.</summary>
    public bool? Healthy { get; private set; }

    public int Failures { get; private set; }

    public string? LastError { get; private set; }

    public long Checks { get; private set; }

    public long FailedChecks { get; private set; }

    /// <summary>Records one result (null error = success) and says whether the health changed.</summary>
    public HealthChange Record(string? error)
    {
        Checks++;
        if (error is null)
        {
            var was = Healthy;
            Failures = 0;
            LastError = null;
            Healthy = true;
            return was == true ? HealthChange.None : HealthChange.BecameHealthy;
        }

        FailedChecks++;
        Failures++;
        LastError = error;
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
        Failures = 0;
        LastError = null;
    }

    /// <summary>What follows the RUNNING description: "healthy", "unhealthy: why", "health check failing (1/3): why", "health unknown".</summary>
    public string Describe() => Healthy switch
    {
        false => "unhealthy: " + LastError,
        _ when Failures > 0 => string.Create(CultureInfo.InvariantCulture, $"health check failing ({Failures}/{retries}): {LastError}"),
        true => "healthy",
        null => "health unknown",
    };
}
