using System.Runtime.InteropServices;

namespace Slipway.Build.Caching;

/// <summary>
/// What stat(2) says about a file, compared to decide whether a cached digest still belongs to it: size, change and
/// modification times in nanoseconds, inode and device (the set git's index compares). The change time cannot be set
/// back by a user (touch sets only access and modification times), so a rewritten file never matches its old stamp.
/// </summary>
internal readonly record struct FileStamp(long Size, long ModifiedNs, long ChangedNs, ulong Inode, ulong Device)
{
    /// <summary>The later of the two times: how recently the file's content or metadata changed.</summary>
    public long LatestNs => Math.Max(ModifiedNs, ChangedNs);

    /// <summary>The stamp of <paramref name="path"/> (symlinks followed), or null when it does not exist.</summary>
    public static FileStamp? Of(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                if (Statx.Read(path) is { } stamp)
                {
                    return stamp;
                }
            }
            catch (EntryPointNotFoundException)
            {
                // A C library without statx (musl before 1.2.5): size and modification time only.
            }
            catch (DllNotFoundException)
            {
            }
        }

        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return null;
        }

        var modified = (info.LastWriteTimeUtc - DateTime.UnixEpoch).Ticks * 100;
        return new FileStamp(info.Length, modified, modified, 0, 0);
    }
}

/// <summary>statx(2) through glibc: its struct has one layout on every architecture, unlike struct stat.</summary>
internal static partial class Statx
{
    private const int AtFdCwd = -100;
    private const uint BasicStats = 0x7ff;
    private const int NoSuchFile = 2;
    private const int NotADirectory = 20;

    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct Buffer
    {
        [FieldOffset(32)] public ulong Inode;
        [FieldOffset(40)] public ulong Size;
        [FieldOffset(96)] public long ChangedSeconds;
        [FieldOffset(104)] public uint ChangedNanos;
        [FieldOffset(112)] public long ModifiedSeconds;
        [FieldOffset(120)] public uint ModifiedNanos;
        [FieldOffset(136)] public uint DeviceMajor;
        [FieldOffset(140)] public uint DeviceMinor;
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Call(int dirFd, string path, int flags, uint mask, out Buffer buffer);

    /// <summary>The stamp, or null when the file does not exist; throws <see cref="IOException"/> for other errors.</summary>
    public static FileStamp? Read(string path)
    {
        if (Call(AtFdCwd, path, 0, BasicStats, out var b) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            return error is NoSuchFile or NotADirectory ? null : throw new IOException($"statx {path}: errno {error}");
        }

        return new FileStamp((long)b.Size, b.ModifiedSeconds * 1_000_000_000 + b.ModifiedNanos,
            b.ChangedSeconds * 1_000_000_000 + b.ChangedNanos, b.Inode, ((ulong)b.DeviceMajor << 32) | b.DeviceMinor);
    }
}
