namespace Slipway.Monitor;

/// <summary>A check's state; the values are the Nagios plugin exit codes.</summary>
public enum ServiceState
{
    Ok = 0,
    Warning = 1,
    Critical = 2,
    Unknown = 3,
}

public static class ServiceStates
{
    /// <summary>The state an exit code means: 0..3 as the plugin API says, anything else (127, 255, a signal) UNKNOWN.</summary>
    public static ServiceState FromExitCode(int exitCode) =>
        exitCode is >= 0 and <= 3 ? (ServiceState)exitCode : ServiceState.Unknown;

    /// <summary>The word the plugin API prints: OK, WARNING, CRITICAL, UNKNOWN.</summary>
    public static string Label(this ServiceState state) => state switch
    {
        ServiceState.Ok => "OK",
        ServiceState.Warning => "WARNING",
        ServiceState.Critical => "CRITICAL",
        _ => "UNKNOWN",
    };

    /// <summary>The worse of two states, in Nagios's order OK &lt; WARNING &lt; UNKNOWN &lt; CRITICAL.</summary>
    public static ServiceState Worst(ServiceState a, ServiceState b) => Severity(a) >= Severity(b) ? a : b;

    private static int Severity(ServiceState state) => state switch
    {
        ServiceState.Ok => 0,
        ServiceState.Warning => 1,
        ServiceState.Unknown => 2,
        _ => 3,
    };
}
