using System.Globalization;

namespace Slipway.Supervisor.Processes;

/// <summary>The <c>description</c> supervisorctl status prints, worded exactly as supervisord's _interpretProcessInfo.</summary>
public static class Description
{
    public static string For(ProcessState state, int pid, long start, long stop, long now, string spawnError, string name, TimeZoneInfo zone)
    {
        switch (state)
        {
            case ProcessState.Running:
                var uptime = TimeSpan.FromSeconds(Math.Max(0, now - start));
                return $"pid {pid.ToString(CultureInfo.InvariantCulture)}, uptime {Uptime(uptime)}";
            case ProcessState.Fatal or ProcessState.Backoff:
                return spawnError.Length > 0 ? spawnError : $"unknown error (try \"tail {name}\")";
            case ProcessState.Stopped or ProcessState.Exited:
                if (start == 0)
                {
                    return "Not started";
                }

                var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(stop), zone);
                return local.ToString("MMM dd hh:mm tt", CultureInfo.InvariantCulture);
            default:
                return "";
        }
    }

    /// <summary>Python's str(timedelta): "0:01:02", "1 day, 3:04:05", "2 days, 0:00:00".</summary>
    public static string Uptime(TimeSpan span)
    {
        var clock = string.Create(CultureInfo.InvariantCulture, $"{span.Hours}:{span.Minutes:00}:{span.Seconds:00}");
        return span.Days switch
        {
            0 => clock,
            1 => "1 day, " + clock,
            _ => string.Create(CultureInfo.InvariantCulture, $"{span.Days} days, {clock}"),
        };
    }
}
