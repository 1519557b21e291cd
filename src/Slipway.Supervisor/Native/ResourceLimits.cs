using System.Globalization;
using System.Runtime.InteropServices;

namespace Slipway.Supervisor.Native;

/// <summary>
/// supervisord's set_rlimits_or_exit: at the first start, raise the soft RLIMIT_NOFILE to <c>minfds</c> and
/// RLIMIT_NPROC to <c>minprocs</c> (and the hard limit with them when it is lower, which only root may do).
/// Children inherit the limits, so a program that needs many descriptors gets them under both daemons.
/// </summary>
public static partial class ResourceLimits
{
    private const int RlimitNproc = 6;
    private const int RlimitNofile = 7;
    private const ulong Infinity = ulong.MaxValue;

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

    /// <summary>
    /// The limits raised ("Increased RLIMIT_NOFILE limit to 1024", logged at info), or the error to exit with. The error
    /// names the hard limit supervisord names: the one it asked for when the current hard limit was lower.
    /// </summary>
    public static (IReadOnlyList<string> Raised, string? Error) Raise(int minFds, int minProcs)
    {
        var raised = new List<string>();
        foreach (var (resource, name, min, message) in new[]
        {
            (RlimitNofile, "RLIMIT_NOFILE", minFds, "The minimum number of file descriptors required to run this process is {0} as per the \"minfds\" " +
                "command-line argument or config file setting. The current environment will only allow you to open {1} file descriptors.  " +
                "Either raise the number of usable file descriptors in your environment (see README.rst) or lower the minfds setting in the " +
                "config file to allow the process to start."),
            (RlimitNproc, "RLIMIT_NPROC", minProcs, "The minimum number of available processes required to run this program is {0} as per the " +
                "\"minprocs\" command-line argument or config file setting. The current environment will only allow you to open {1} processes.  " +
                "Either raise the number of usable processes in your environment (see README.rst) or lower the minprocs setting in the config " +
                "file to allow the program to start."),
        })
        {
            if (getrlimit(resource, out var current) != 0 || current.Soft == Infinity || current.Soft >= (ulong)min)
            {
                continue;
            }

            var wanted = new RLimit { Soft = (ulong)min, Hard = current.Hard != Infinity && current.Hard < (ulong)min ? (ulong)min : current.Hard };
            if (setrlimit(resource, wanted) != 0)
            {
                return (raised, string.Format(CultureInfo.InvariantCulture, message, min, wanted.Hard == Infinity ? "-1" : wanted.Hard.ToString(CultureInfo.InvariantCulture)));
            }

            raised.Add($"Increased {name} limit to {min.ToString(CultureInfo.InvariantCulture)}");
        }

        return (raised, null);
    }
}
