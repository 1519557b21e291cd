using System.Runtime.InteropServices;
using System.Text;

namespace Slipway.Supervisor.Native;

/// <summary>
/// NUL-terminated UTF-8 strings and string arrays for libc calls (posix_spawn, execv), in native memory that lives
/// until <see cref="Dispose"/>: the callee may keep the pointers for the duration of the call only.
/// </summary>
internal sealed unsafe class NativeStrings : IDisposable
{
    private readonly List<nint> _allocations = [];

    public byte* Utf8(string s)
    {
        var count = Encoding.UTF8.GetByteCount(s);
        var p = (byte*)Alloc(count + 1);
        Encoding.UTF8.GetBytes(s, new Span<byte>(p, count));
        p[count] = 0;
        return p;
    }

    /// <summary>A NULL-terminated array of strings, as argv and envp.</summary>
    public byte** Array(IReadOnlyList<string> items)
    {
        var array = (byte**)Alloc((items.Count + 1) * sizeof(nint));
        for (var i = 0; i < items.Count; i++)
        {
            array[i] = Utf8(items[i]);
        }

        array[items.Count] = null;
        return array;
    }

    public void Dispose()
    {
        foreach (var p in _allocations)
        {
            NativeMemory.Free((void*)p);
        }

        _allocations.Clear();
    }

    private void* Alloc(int bytes)
    {
        var p = NativeMemory.Alloc((nuint)bytes);
        _allocations.Add((nint)p);
        return p;
    }
}
