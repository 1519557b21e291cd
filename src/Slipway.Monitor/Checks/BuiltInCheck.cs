using System.Globalization;

namespace Slipway.Monitor.Checks;

/// <summary>What the built-in checks share: the time-out, the measured duration, and check_*'s output shape.</summary>
internal static class BuiltInCheck
{
    /// <summary>
    /// Runs <paramref name="probe"/> with a deadline. A target that does not answer in time is CRITICAL with
    /// <paramref name="name"/>'s "timed out" text, as check_tcp and check_http report it: the service failed, not the check.
    /// </summary>
    public static async Task<CheckResult> RunAsync(string name, TimeSpan timeout, TimeProvider time,
        Func<CancellationToken, Task<CheckResult>> probe, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            var result = await probe(linked.Token);
            return result with { Duration = time.GetElapsedTime(started) };
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new CheckResult
            {
                State = ServiceState.Critical,
                Output = $"{name} CRITICAL - timed out after {Seconds(timeout.TotalSeconds)} seconds",
                Duration = time.GetElapsedTime(started),
            };
        }
    }

    /// <summary>"NAME STATE - text", the first line check_* plugins print.</summary>
    public static string Line(string name, ServiceState state, string text) => $"{name} {state.Label()} - {text}";

    public static string Seconds(double seconds) => seconds.ToString("0.000", CultureInfo.InvariantCulture);
}
