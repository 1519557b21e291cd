using Microsoft.Extensions.Logging;
using Slipway.Monitor.Configuration;

namespace Slipway.Monitor.Service;

/// <summary>
/// Reloads <c>.slipway/monitor-marks.json</c> when it changes (its write time or length), so <c>monitor ack</c> and
/// <c>monitor downtime</c> take effect on a running <c>monitor serve</c> without a restart. A file that cannot be read
/// keeps the marks in force and is logged once per change.
/// </summary>
internal sealed class MarksWatcher(string path, MarksApplier applier, ILogger logger)
{
    private (DateTime Written, long Length)? _seen;

    /// <summary>True when the marks were reloaded.</summary>
    public async Task<bool> RefreshAsync(CancellationToken ct)
    {
        var info = new FileInfo(path);
        (DateTime, long)? now = info.Exists ? (info.LastWriteTimeUtc, info.Length) : null;
        if (now == _seen)
        {
            return false;
        }

        _seen = now;
        try
        {
            applier.Current = await MonitorMarks.LoadAsync(path, ct);
            return true;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            ServiceLog.MarksUnreadable(logger, path, e.Message);
            return false;
        }
    }
}
