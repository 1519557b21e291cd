namespace Slipway.Testing;

/// <summary>
/// Keeps a stale pyenv rehash lock from slowing every ssh login on the test machine. Root's ~/.bashrc there runs
/// <c>pyenv init -</c>, and bash reads it for every ssh command; its rehash holds <c>~/.pyenv/shims/.pyenv-shim</c>
/// for a moment. A fault test that kills a session in that moment leaves the file behind, and every later login then
/// waits 60 s for it, past the tests' connect time-out. A rehash takes well under a second, so a lock older than
/// <see cref="StaleAfter"/> has no owner and is removed. Nothing of the product's is involved.
/// </summary>
public static class StaleShellLockWatch
{
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(10);

    private static readonly object Gate = new();
    private static Timer? _timer;

    private static string LockFile =>
        Path.Combine(Environment.GetEnvironmentVariable("PYENV_ROOT") is { Length: > 0 } root ? root
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pyenv"), "shims", ".pyenv-shim");

    /// <summary>Starts the watch once per test process (a no-op on machines without pyenv).</summary>
    public static void Ensure()
    {
        lock (Gate)
        {
            _timer ??= new Timer(_ => RemoveIfStale(), null, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        }
    }

    private static void RemoveIfStale()
    {
        try
        {
            var file = new FileInfo(LockFile);
            if (file.Exists && DateTime.UtcNow - file.LastWriteTimeUtc > StaleAfter)
            {
                file.Delete();
            }
        }
        catch (IOException)
        {
            // Gone meanwhile, or taken again: the next round looks again.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
