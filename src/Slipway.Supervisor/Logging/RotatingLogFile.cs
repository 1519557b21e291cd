using System.Globalization;
using Slipway.Supervisor.Native;

namespace Slipway.Supervisor.Logging;

/// <summary>
/// An append-only log file rotated by size like supervisord's RotatingFileHandler: once it holds maxBytes it
/// becomes <c>.1</c> (older ones shift up to <c>.backups</c>); with backups=0 it is truncated. Unlike supervisord,
/// a large chunk is split at maxBytes, so a burst of output never makes one file bigger than the limit. A file that cannot
/// seek (<c>/dev/stdout</c>, a pipe, a tty) is never rotated, so it never fails with "Illegal seek".
/// Thread-safe: the output pump writes while RPC calls clear or reopen it.
/// </summary>
public sealed unsafe class RotatingLogFile : IDisposable
{
    private readonly Lock _lock = new();
    private readonly long _maxBytes;
    private readonly int _backups;
    private int _fd = -1;
    private long _size;
    private bool _seekable;
    private readonly LogWriteFailures? _failures;
    private long _droppedInThisRun = -1; // -1 while writes succeed

    /// <summary>A log at <paramref name="path"/>; <paramref name="failures"/> counts and tells dropped output (null for the main log, which cannot report on itself).</summary>
    public RotatingLogFile(string path, long maxBytes, int backups, LogWriteFailures? failures = null)
    {
        Path = path;
        _maxBytes = maxBytes;
        _backups = backups;
        _failures = failures;
        Open();
    }

    public string Path { get; }

    /// <summary>
    /// A program's output into its channel log (<paramref name="log"/> gives it, or null when the channel has none).
    /// A log that cannot be opened (its directory removed) drops the output: the child keeps running.
    /// </summary>
    public static void WriteOrDrop(Func<RotatingLogFile?>? log, ReadOnlySpan<byte> data)
    {
        try
        {
            log?.Invoke()?.Write(data);
        }
        catch (IOException)
        {
            // dropped, as the summary says
        }
    }

    /// <summary>
    /// Appends <paramref name="data"/>, split across the rotation so that no file holds more than maxBytes: the
    /// current file is rotated when a write finds it full (not right after it fills), so it always holds the
    /// newest output and <c>tail</c> right after a burst shows the last bytes written.
    /// </summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            if (_fd < 0)
            {
                Open();
            }

            if (!_seekable || _maxBytes <= 0)
            {
                Append(data);
                return;
            }

            var split = RotationSplit.Plan(_size, _maxBytes, _backups, data.Length);
            if (split.StartAfresh)
            {
                RemoveAll();
                data = data[split.Skip..];
            }

            while (!data.IsEmpty)
            {
                if (_size >= _maxBytes)
                {
                    Rotate();
                }

                var room = (int)Math.Min(data.Length, _maxBytes - _size);
                Append(data[..room]);
                data = data[room..];
            }
        }
    }

    /// <summary>USR2 / after logrotate: close and open the path again.</summary>
    public void Reopen()
    {
        lock (_lock)
        {
            CloseFd();
            Open();
        }
    }

    /// <summary>
    /// clearProcessLogs / clearLog: remove the file and start an empty one. The backups stay, as supervisord
    /// keeps them (its handler removes only the base file before reopening).
    /// </summary>
    public void Clear()
    {
        lock (_lock)
        {
            CloseFd();
            TryDelete(Path);
            Open();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            CloseFd();
        }
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        int offset;
        fixed (byte* p = data)
        {
            offset = 0;
            while (offset < data.Length)
            {
                var n = Posix.write(_fd, p + offset, data.Length - offset);
                if (n < 0)
                {
                    if (Posix.Errno == Posix.EIntr)
                    {
                        continue;
                    }

                    // A full disk must not stop the daemon or block the child: the rest is dropped and counted.
                    Dropped(data.Length - offset, Posix.StrError(Posix.Errno));
                    break;
                }

                offset += (int)n;
            }
        }

        if (offset == data.Length && _droppedInThisRun >= 0)
        {
            _failures?.Recovered(Path, _droppedInThisRun);
            _droppedInThisRun = -1;
        }

        _size += offset;
    }

    private void Dropped(int bytes, string error)
    {
        var first = _droppedInThisRun < 0;
        _droppedInThisRun = Math.Max(0, _droppedInThisRun) + bytes;
        _failures?.Dropped(Path, bytes, error, first);
    }

    /// <summary>The current file and its backups are all about to be pushed out of the rotation: start empty.</summary>
    private void RemoveAll()
    {
        CloseFd();
        for (var i = 1; i <= _backups; i++)
        {
            TryDelete(Path + "." + i.ToString(CultureInfo.InvariantCulture));
        }

        TryDelete(Path);
        Open();
    }

    private void Rotate()
    {
        CloseFd();
        if (_backups > 0)
        {
            for (var i = _backups - 1; i >= 1; i--)
            {
                var source = Path + "." + i.ToString(CultureInfo.InvariantCulture);
                if (File.Exists(source))
                {
                    File.Move(source, Path + "." + (i + 1).ToString(CultureInfo.InvariantCulture), overwrite: true);
                }
            }

            if (File.Exists(Path))
            {
                File.Move(Path, Path + ".1", overwrite: true);
            }
        }
        else
        {
            TryDelete(Path);
        }

        Open();
    }

    private void Open()
    {
        _fd = Posix.open(Path, Posix.OWriteOnly | Posix.OCreate | Posix.OAppend | Posix.OCloExec, Convert.ToInt32("644", 8));
        if (_fd < 0)
        {
            throw new IOException($"cannot open {Path}: {Posix.StrError(Posix.Errno)}");
        }

        var end = Posix.lseek(_fd, 0, Posix.SeekEnd);
        _seekable = end >= 0 && !Path.StartsWith("/dev/", StringComparison.Ordinal) && !Path.StartsWith("/proc/", StringComparison.Ordinal);
        _size = Math.Max(0, end);
    }

    private void CloseFd()
    {
        if (_fd >= 0)
        {
            Posix.close(_fd);
            _fd = -1;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // already gone
        }
    }
}
