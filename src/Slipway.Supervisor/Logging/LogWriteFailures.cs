using System.Globalization;

namespace Slipway.Supervisor.Logging;

/// <summary>
/// Output the child logs could not write (a full disk, a quota, an I/O error): counted for <c>/metrics</c> and told once
/// in the main log when a file starts failing and once when it takes writes again, never once per write (a program that
/// prints a line a millisecond on a full disk would otherwise fill the main log's disk too).
/// </summary>
/// <remarks><c>report</c>: writes a main-log line (level, message); called from the output thread.</remarks>
public sealed class LogWriteFailures(Action<string, string>? report)
{
    private long _droppedBytes;

    /// <summary>Bytes of program output dropped since the daemon started.</summary>
    public long DroppedBytes => Interlocked.Read(ref _droppedBytes);

    internal void Dropped(string path, int bytes, string error, bool firstOfARun)
    {
        Interlocked.Add(ref _droppedBytes, bytes);
        if (firstOfARun)
        {
            report?.Invoke("error", $"could not write to {path} ({error}): dropping the program's output until it can be written again; " +
                "supervisor_log_dropped_bytes_total counts it");
        }
    }

    internal void Recovered(string path, long droppedMeanwhile) =>
        report?.Invoke("info", string.Create(CultureInfo.InvariantCulture, $"writing to {path} again; {droppedMeanwhile} bytes of output were dropped"));
}
