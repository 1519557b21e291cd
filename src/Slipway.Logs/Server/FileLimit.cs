using Slipway.Core.Posix;

namespace Slipway.Logs.Server;

/// <summary>
/// Every TCP sender holds a file descriptor, and the usual soft limit (1024) is far below what a central log server
/// needs. Like most network daemons, <c>logs serve</c> raises its soft limit to the hard limit at start (Linux).
/// </summary>
internal static class FileLimit
{
    /// <summary>Raises the soft open-files limit to the hard one; returns the limit now in force (null off Linux or on failure).</summary>
    public static ulong? RaiseToHardLimit()
    {
        if (!ResourceLimit.TryGet(ResourceLimit.Nofile, out var soft, out var hard))
        {
            return null;
        }

        return soft < hard && ResourceLimit.TrySet(ResourceLimit.Nofile, hard, hard) ? hard : soft;
    }
}
