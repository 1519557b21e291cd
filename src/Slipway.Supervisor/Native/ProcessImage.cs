using System.Runtime.InteropServices;
using System.Text;

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
        var pointers = new byte*[argv.Count + 1];
        var buffers = new List<nint>();
        try
        {
            for (var i = 0; i < argv.Count; i++)
            {
                pointers[i] = Utf8(argv[i], buffers);
            }

            fixed (byte** argvPointer = pointers)
            {
                execv(Utf8(path, buffers), argvPointer);
            }

            throw new IOException($"cannot execute {path}: errno {Marshal.GetLastPInvokeError()}");
        }
        finally
        {
            foreach (var buffer in buffers)
            {
                NativeMemory.Free((void*)buffer);
            }
        }
    }

    private static byte* Utf8(string text, List<nint> buffers)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        var buffer = (byte*)NativeMemory.Alloc((nuint)length + 1);
        buffers.Add((nint)buffer);
        Encoding.UTF8.GetBytes(text, new Span<byte>(buffer, length));
        buffer[length] = 0;
        return buffer;
    }
}
