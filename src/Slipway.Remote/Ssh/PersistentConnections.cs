using Slipway.Core.Config;
using Slipway.Remote.Processes;

namespace Slipway.Remote.Ssh;

/// <summary>
/// The connections <c>ssh.control_persist</c> keeps open between runs: where their sockets live and how to drop them
/// (<c>slipway ssh close STAGE</c>).
/// </summary>
public static class PersistentConnections
{
    /// <summary>The directory of the control sockets, <c>~/.slipway/cm</c> (mode 0700).</summary>
    public static string Directory =>
        OperatingSystem.IsWindows() ? throw new PlatformNotSupportedException("SSH connection reuse needs unix control sockets.") : PersistentSockets.Directory();

    /// <summary>
    /// Closes every persisted master of <paramref name="host"/>, whatever settings opened it (<c>ssh -O exit</c>;
    /// a command still running on one is cut off), and removes sockets whose master is already gone.
    /// Returns how many masters were closed.
    /// </summary>
    public static async Task<int> CloseAsync(SshSettings settings, HostConfig host, IReadOnlyDictionary<string, string?>? environment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(host);
        var arguments = new SshArguments(settings, Directory);
        var paths = new PersistentControlPaths(arguments, environment, Directory);
        var closed = 0;
        foreach (var socket in await paths.AllForAsync(host, ct))
        {
            var outcome = await ChildProcess.RunAsync(ChildProcess.StartInfo("ssh", arguments.Exit(host, socket), environment), null, ct);
            if (outcome.ExitCode == 0)
            {
                closed++;
            }
            else
            {
                // No master listens any more (it ended, or was killed): the socket file is stale.
                try
                {
                    File.Delete(socket);
                }
                catch (IOException)
                {
                    // gone meanwhile
                }
            }
        }

        return closed;
    }
}
