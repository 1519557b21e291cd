using System.Runtime.InteropServices;

namespace Slipway.Supervisor.Native;

/// <summary>Replaces the running process with another program (execv): same pid, same descriptors, same parent.</summary>
public static unsafe partial class ProcessImage
{
    [LibraryImport("libc", SetLastError = true)]
    private static partial int execv(byte* path, byte** argv);

    /// <summary>Only returns (with an exception) when the exec failed.</summary>
    public static void Replace(string path, IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(argv);
        using var strings = new NativeStrings();
        execv(strings.Utf8(path), strings.Array(argv));
        throw new IOException($"cannot execute {path}: errno {Marshal.GetLastPInvokeError()}");
    }
}
