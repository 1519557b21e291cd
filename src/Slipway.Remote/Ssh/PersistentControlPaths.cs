using Slipway.Core.Config;
using Slipway.Remote.Processes;

namespace Slipway.Remote.Ssh;

/// <summary>
/// Finds the persisted control socket of a host (<see cref="ControlSocketName"/>): runs <c>ssh -G</c> with the
/// options a connection would get (no network: ssh only evaluates its configuration) and reads the known_hosts files
/// it names. About 3 ms per host, against the 100 ms or more of the handshake a reused master saves.
/// </summary>
internal sealed class PersistentControlPaths(SshArguments arguments, IReadOnlyDictionary<string, string?>? environment, string directory)
{
    public string Directory => directory;

    /// <summary>The socket path for <paramref name="host"/> with the current settings, known_hosts and ssh_config.</summary>
    public async Task<string> ForAsync(HostConfig host, CancellationToken ct)
    {
        var config = await EffectiveConfigAsync(host, ct);
        var knownHosts = new List<(string, string?)>();
        foreach (var file in ControlSocketName.KnownHostsFiles(config))
        {
            knownHosts.Add((file, await ReadOrNullAsync(SshArguments.ExpandHome(file), ct)));
        }

        return Path.Combine(directory, ControlSocketName.For(config, knownHosts));
    }

    /// <summary>Every socket in the directory that belongs to <paramref name="host"/>'s destination, whatever settings opened it.</summary>
    public async Task<IReadOnlyList<string>> AllForAsync(HostConfig host, CancellationToken ct)
    {
        var prefix = ControlSocketName.DestinationPrefix(await EffectiveConfigAsync(host, ct));
        return System.IO.Directory.Exists(directory)
            ? [.. System.IO.Directory.EnumerateFileSystemEntries(directory, prefix + "*")
                .Where(p => !Path.GetFileName(p).Contains('.', StringComparison.Ordinal)) // not ssh's temporary name.XXXX
                .Order(StringComparer.Ordinal)]
            : [];
    }

    private async Task<string> EffectiveConfigAsync(HostConfig host, CancellationToken ct)
    {
        var lines = new List<string>();
        var psi = ChildProcess.StartInfo("ssh", arguments.Inspect(host), environment);
        var outcome = await ChildProcess.RunAsync(psi, line =>
        {
            if (line.Kind == OutputKind.Stdout)
            {
                lock (lines)
                {
                    lines.Add(line.Text);
                }
            }
        }, ct);

        // A configuration ssh rejects still gets a name (from its error): the connection itself then fails with
        // ssh's own message, diagnosed as usual.
        return outcome.ExitCode == 0 ? string.Join('\n', lines) : "error\n" + string.Join('\n', outcome.StderrTail);
    }

    private static async Task<string?> ReadOrNullAsync(string path, CancellationToken ct)
    {
        try
        {
            return await File.ReadAllTextAsync(path, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
