using System.Runtime.InteropServices;

namespace Slipway.Core.Posix;

/// <summary>getrlimit/setrlimit (Linux, glibc), for the daemons that raise their own limits at start.</summary>
public static partial class ResourceLimit
{
    /// <summary>RLIM_INFINITY.</summary>
    public const ulong Infinity = ulong.MaxValue;

    public const int Nproc = 6;
    public const int Nofile = 7;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Soft;
        public ulong Hard;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrlimit(int resource, out RLimit limit);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setrlimit(int resource, in RLimit limit);

    /// <summary>The soft and hard limit of <paramref name="resource"/>; false off Linux or when the call fails.</summary>
    public static bool TryGet(int resource, out ulong soft, out ulong hard)
    {
        soft = hard = 0;
        if (!OperatingSystem.IsLinux() || getrlimit(resource, out var limit) != 0)
        {
            return false;
        }

        (soft, hard) = (limit.Soft, limit.Hard);
        return true;
    }

    /// <summary>Sets both limits; false when not allowed (a hard limit raised without CAP_SYS_RESOURCE) or off Linux.</summary>
    public static bool TrySet(int resource, ulong soft, ulong hard) =>
        OperatingSystem.IsLinux() && setrlimit(resource, new RLimit { Soft = soft, Hard = hard }) == 0;
}
