using System.Globalization;

namespace Slipway.Core.Diagnostics;

/// <summary>
/// With <c>SLIPWAY_TIMELINE=1</c>, milestones of a run go to stderr with the wall-clock time in milliseconds, so
/// "where did the time go" can be answered against the times of the processes around it (ssh, git, the shell).
/// Off by default; a disabled mark costs one static read.
/// </summary>
public static class Timeline
{
    private static readonly bool Enabled = Environment.GetEnvironmentVariable("SLIPWAY_TIMELINE") == "1";

    public static void Mark(string what)
    {
        if (Enabled)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            Console.Error.WriteLine($"[timeline {now}] {what}");
        }
    }
}
