using System.Globalization;
using System.Text;

namespace Slipway.Supervisor.Logging;

/// <summary>supervisord's own log: "2026-01-02 03:04:05,678 INFO message" lines, filtered by loglevel.</summary>
public sealed class MainLog(RotatingLogFile? file, TextWriter? console, string level, TimeProvider time) : IDisposable
{
    private static readonly string[] Levels = ["blather", "trace", "debug", "info", "warn", "error", "critical"];
    private readonly int _threshold = Math.Max(0, Array.IndexOf(Levels, level));
    private readonly Lock _consoleLock = new();

    public RotatingLogFile? File => file;

    public bool Enabled(string messageLevel) => Array.IndexOf(Levels, messageLevel) >= _threshold;

    public void Write(string messageLevel, string message)
    {
        if (!Enabled(messageLevel))
        {
            return;
        }

        var now = time.GetLocalNow();
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{now:yyyy-MM-dd HH:mm:ss},{now.Millisecond:000} {messageLevel.ToUpperInvariant()} {message}\n");
        file?.Write(Encoding.UTF8.GetBytes(line));
        if (console is not null)
        {
            lock (_consoleLock)
            {
                console.Write(line);
                console.Flush();
            }
        }
    }

    public void Dispose() => file?.Dispose();
}
