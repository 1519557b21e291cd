using System.Globalization;

namespace Slipway.Testing;

/// <summary>
/// A tmpfs of a few KiB mounted by the test (needs root): a disk that fills up on purpose. Without the right to mount,
/// the test is skipped locally and fails under CI=true. Disposal unmounts it lazily (a server under test may still
/// hold a file open on it).
/// </summary>
public sealed class SmallTmpfs : IAsyncDisposable
{
    private SmallTmpfs(string path) => Path = path;

    public string Path { get; }

    public static async Task<SmallTmpfs> MountAsync(string path, int kib, CancellationToken ct)
    {
        Directory.CreateDirectory(path);
        var size = "size=" + kib.ToString(CultureInfo.InvariantCulture) + "k,mode=0777";
        var (code, _, stderr) = await ProcessTools.RunAsync("mount", ["-t", "tmpfs", "-o", size, "tmpfs", path], ct);
        Requires.Check(code == 0, $"could not mount a {kib} KiB tmpfs at {path} ({stderr.Trim()}); the disk-full tests mount one. " +
            "Fix: run the tests as root (CAP_SYS_ADMIN)", Environment.GetEnvironmentVariable("CI"));
        return new SmallTmpfs(path);
    }

    /// <summary>Frees the space a file holds (truncated, not removed: a server's open descriptor would keep removed data).</summary>
    public static void Truncate(string file)
    {
        using var stream = new FileStream(file, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite);
    }

    public async ValueTask DisposeAsync() =>
        await ProcessTools.RunAsync("umount", ["-l", Path], CancellationToken.None);
}
