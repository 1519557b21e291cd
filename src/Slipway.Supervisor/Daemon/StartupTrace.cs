using System.Diagnostics;

namespace Slipway.Supervisor.Daemon;

/// <summary>SLIPWAY_SUPERVISE_TRACE=1 prints how long each start-up phase took (ms since process start) to stderr.</summary>
internal static class StartupTrace
{
    private static readonly bool Enabled = Environment.GetEnvironmentVariable("SLIPWAY_SUPERVISE_TRACE") == "1";

    public static void Mark(string what)
    {
        if (Enabled)
        {
            Write(what);
        }
    }

    // Apart, so that the daemon does not load System.Diagnostics.Process unless tracing.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Write(string what)
    {
        var ms = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        Console.Error.WriteLine($"[trace] {ms,8:F1} ms {what}");
    }
}
