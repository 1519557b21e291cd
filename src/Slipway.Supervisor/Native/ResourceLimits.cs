using System.Globalization;
using Slipway.Core.Posix;

namespace Slipway.Supervisor.Native;

/// <summary>
/// supervisord's set_rlimits_or_exit: at the first start, raise the soft RLIMIT_NOFILE to <c>minfds</c> and
/// RLIMIT_NPROC to <c>minprocs</c> (and the hard limit with them when it is lower, which only root may do).
/// Children inherit the limits, so a program that needs many descriptors gets them under both daemons.
/// </summary>
public static class ResourceLimits
{
    /// <summary>
    /// The limits raised ("Increased RLIMIT_NOFILE limit to 1024", logged at info), or the error to exit with. The error
    /// names the hard limit supervisord names: the one it asked for when the current hard limit was lower.
    /// </summary>
    public static (IReadOnlyList<string> Raised, string? Error) Raise(int minFds, int minProcs)
    {
        var raised = new List<string>();
        foreach (var (resource, name, min, message) in new[]
        {
            (ResourceLimit.Nofile, "RLIMIT_NOFILE", minFds, "The minimum number of file descriptors required to run this process is {0} as per the \"minfds\" " +
                "command-line argument or config file setting. The current environment will only allow you to open {1} file descriptors.  " +
                "Either raise the number of usable file descriptors in your environment (see README.rst) or lower the minfds setting in the " +
                "config file to allow the process to start."),
            (ResourceLimit.Nproc, "RLIMIT_NPROC", minProcs, "The minimum number of available processes required to run this program is {0} as per the " +
                "\"minprocs\" command-line argument or config file setting. The current environment will only allow you to open {1} processes.  " +
                "Either raise the number of usable processes in your environment (see README.rst) or lower the minprocs setting in the config " +
                "file to allow the program to start."),
        })
        {
            if (!ResourceLimit.TryGet(resource, out var soft, out var hard) || soft == ResourceLimit.Infinity || soft >= (ulong)min)
            {
                continue;
            }

            var wantedHard = hard != ResourceLimit.Infinity && hard < (ulong)min ? (ulong)min : hard;
            if (!ResourceLimit.TrySet(resource, (ulong)min, wantedHard))
            {
                return (raised, string.Format(CultureInfo.InvariantCulture, message, min,
                    wantedHard == ResourceLimit.Infinity ? "-1" : wantedHard.ToString(CultureInfo.InvariantCulture)));
            }

            raised.Add($"Increased {name} limit to {min.ToString(CultureInfo.InvariantCulture)}");
        }

        return (raised, null);
    }
}
