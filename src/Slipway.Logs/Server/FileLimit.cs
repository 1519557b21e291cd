using System.Runtime.InteropServices;

namespace Slipway.Logs.Server;

/// <summary>
/// Every TCP sender holds a file descriptor, and the usual soft limit (1024) is far below what a central log server
/// needs. Like most network daemons, <c>logs serve</c> raises its soft limit to the hard limit at start (Linux).
/// </summary>
internal static partial class FileLimit
{
    private const int RlimitNofile = 7;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Max;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrlimit(int resource, out RLimit limit);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setrlimit(int resource, in RLimit limit);

    /// <summary>Raises the soft open-files limit to the hard one; returns the limit now in force (null off Linux or on failure).</summary>
    public static ulong? RaiseToHardLimit()
    {
        if (!OperatingSystem.IsLinux() || getrlimit(RlimitNofile, out var limit) != 0)
        {
            return null;
        }

        if (limit.Current < limit.Max)
        {
            var raised = limit with { Current = limit.Max };
            if (setrlimit(RlimitNofile, in raised) == 0)
            {
                return raised.Current;
            }
        }

        return limit.Current;
    }
}
