namespace Slipway.Queue.Embedded;

/// <summary>
/// Wake-ups across the processes that share one SQLite file: a commit that made jobs ready writes a byte to
/// <c>FILE-wake/ready</c> beside it, and a process with idle workers watches that directory (inotify, through
/// <see cref="FileSystemWatcher"/>) and wakes them all, so a <c>slipway queue push</c> from a shell or a cron job starts
/// a waiting worker in another process at once instead of at its next poll. The file says nothing of which queue: a
/// wake-up makes each waiter look once. A directory of its own, because a watch on the store's directory would wake
/// on every write to the WAL. Best effort: where the file cannot be written or watched, workers still poll.
/// </summary>
internal sealed class WakeFile(string databasePath, Action wake) : IDisposable
{
    private readonly string _directory = Path.GetFullPath(databasePath) + "-wake";
    private readonly Lock _gate = new();
    private FileSystemWatcher? _watcher;
    private volatile bool _tried;
    private bool _disposed;

    /// <summary>Tells the other processes (and this one's watcher) that jobs may be ready.</summary>
    public void Touch()
    {
        try
        {
            File.WriteAllBytes(Path.Combine(_directory, "ready"), [1]);
        }
        catch (DirectoryNotFoundException)
        {
            // Nobody watches yet: the first watcher makes the directory.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Their poll finds the jobs.
        }
    }

    /// <summary>Starts watching, once: called when a worker of this process is about to wait.</summary>
    public void Watch()
    {
        if (_tried)
        {
            return;
        }

        lock (_gate)
        {
            if (_tried || _disposed)
            {
                return;
            }

            _tried = true;
            try
            {
                Directory.CreateDirectory(_directory);
                var watcher = new FileSystemWatcher(_directory)
                {
                    NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName,
                };
                watcher.Changed += (_, _) => wake();
                watcher.Created += (_, _) => wake();
                watcher.EnableRaisingEvents = true;
                _watcher = watcher;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or PlatformNotSupportedException)
            {
                // No inotify here (or its limit is reached): the workers poll, as before.
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _watcher?.Dispose();
            _watcher = null;
        }
    }
}
