using Slipway.Supervisor.Config;
using Slipway.Supervisor.Logging;
using Slipway.Supervisor.Native;
using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Daemon;

/// <summary>
/// The processes' log files: opened on first output, closed when the process leaves the daemon, reopened on USR2;
/// and the names of <c>AUTO</c> logs (supervisord's mkstemp in childlogdir). Used by the gate and the output thread.
/// </summary>
/// <remarks><c>report</c>: a main-log line (level, message) when output starts being dropped and when it is written again.</remarks>
public sealed class ChildLogs(DaemonOptions options, Action<string, string>? report = null) : IDisposable
{
    private readonly Dictionary<Subprocess, (RotatingLogFile? Stdout, RotatingLogFile? Stderr)> _logs = [];
    private readonly HashSet<Subprocess> _closed = [];
    private readonly HashSet<string> _autoDirs = new(StringComparer.Ordinal);
    private readonly List<string> _autoLogsToCreate = [];
    private Task _autoLogsCreated = Task.CompletedTask;

    /// <summary>Output the child logs could not write (disk full): counted and told in the main log.</summary>
    public LogWriteFailures Failures { get; } = new(report);

    public (RotatingLogFile? Stdout, RotatingLogFile? Stderr) Of(Subprocess process)
    {
        lock (_logs)
        {
            if (_logs.TryGetValue(process, out var logs))
            {
                return logs;
            }

            if (_closed.Contains(process))
            {
                return (null, null); // its group was removed: late output from the pipes is dropped, no file reopened
            }

            logs = (Open(process.StdoutLogFile, process.Config.Stdout), Open(process.StderrLogFile, process.Config.Stderr));
            _logs[process] = logs;
            return logs;
        }
    }

    private RotatingLogFile? Open(string? path, LogChannelConfig channel) =>
        path is null ? null : new RotatingLogFile(path, channel.MaxBytes, channel.Backups, Failures);

    /// <summary>The process left the daemon: its files are closed and stay closed.</summary>
    internal void Close(Subprocess process)
    {
        lock (_logs)
        {
            _closed.Add(process);
            if (_logs.Remove(process, out var logs))
            {
                logs.Stdout?.Dispose();
                logs.Stderr?.Dispose();
            }
        }
    }

    /// <summary>USR2: reopen every child log.</summary>
    internal void ReopenAll()
    {
        lock (_logs)
        {
            foreach (var (stdout, stderr) in _logs.Values)
            {
                stdout?.Reopen();
                stderr?.Reopen();
            }
        }
    }

    /// <summary>A new process with its log file names (AUTO ones chosen now; call <see cref="CreateAutoLogs"/> after a batch).</summary>
    internal Subprocess NewProcess(ProcessConfig config, string group, IProcessHost host, TimeProvider time) => new(config, group, host, time)
    {
        StdoutLogFile = config.Stdout.IsAuto ? AutoLogName(config.Name, "stdout") : config.Stdout.File,
        StderrLogFile = config.Stderr.IsAuto ? AutoLogName(config.Name, "stderr") : config.Stderr.File,
    };

    private string AutoLogName(string name, string channel)
    {
        var dir = options.ChildLogDir;
        if (!_autoDirs.Contains(dir))
        {
            Directory.CreateDirectory(dir);
            _autoDirs.Add(dir);
        }

        // Named now (supervisord's mkstemp), created just after: creating a thousand files costs 0.5-2 s on a busy
        // disk, which would otherwise delay every spawn. A child's output opens (O_CREAT) its file anyway.
        var path = Path.Combine(dir, $"{name}-{channel}---{options.Identifier}-{RandomSuffix()}.log");
        _autoLogsToCreate.Add(path);
        return path;
    }

    /// <summary>Creates the AUTO log files named since the last call, on a worker thread, in order.</summary>
    internal void CreateAutoLogs()
    {
        if (_autoLogsToCreate.Count == 0)
        {
            return;
        }

        var paths = _autoLogsToCreate.ToArray();
        _autoLogsToCreate.Clear();
        _autoLogsCreated = _autoLogsCreated.ContinueWith(_ =>
        {
            foreach (var path in paths)
            {
                var fd = Posix.open(path, Posix.OWriteOnly | Posix.OCreate | Posix.OCloExec, Convert.ToInt32("644", 8));
                if (fd >= 0)
                {
                    Posix.close(fd);
                }
            }
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private static string RandomSuffix()
    {
        const string Chars = "abcdefghijklmnopqrstuvwxyz0123456789_";
        return string.Create(8, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Chars[Random.Shared.Next(Chars.Length)];
            }
        });
    }

    /// <summary>Deletes AUTO logs left by an earlier run (supervisord does this at start unless nocleanup).</summary>
    public static void CleanupAutoLogs(DaemonOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.NoCleanup || !Directory.Exists(options.ChildLogDir))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(options.ChildLogDir, $"*---{options.Identifier}-*.log*"))
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // in use or gone
            }
        }
    }

    public void Dispose()
    {
        lock (_logs)
        {
            foreach (var process in _logs.Keys.ToList())
            {
                Close(process);
            }
        }
    }
}
