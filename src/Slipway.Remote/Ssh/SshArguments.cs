using System.Globalization;
using Slipway.Core.Config;

namespace Slipway.Remote.Ssh;

/// <summary>
/// Builds ssh/sftp argv lists. Only settings the user gave explicitly become options, so everything else comes from
/// ssh_config exactly as a plain <c>ssh HOST</c> would see it. Pure, so the lists can be checked in unit tests.
/// </summary>
internal sealed class SshArguments(SshSettings settings, string controlDir)
{
    /// <summary>ssh expands %C to a hash of (local host, remote host, port, user): short and unique per destination.</summary>
    public string ControlPath => controlDir + "/%C";

    /// <summary>
    /// <c>ssh -M -T …</c> in the foreground: authenticate, listen on the control socket, and run the host's
    /// <see cref="RemoteShell"/> as the master's own session (see <see cref="SshMaster"/>). ControlPersist=no keeps it
    /// our child rather than a detached daemon.
    /// </summary>
    /// <remarks>
    /// With <see cref="SshSettings.ControlPersist"/>: <c>ControlMaster=auto</c> instead, so the shell rides on a
    /// connection an earlier run left open, or, when there is none, this ssh connects, forks the master into the
    /// background (it stays for the next run) and carries on as that master's first client.
    /// </remarks>
    /// <param name="host">The host to connect to.</param>
    /// <param name="logFile">ssh's -E log.</param>
    /// <param name="controlPath">The host's persisted socket (<see cref="PersistentControlPaths"/>); null: <see cref="ControlPath"/>.</param>
    public List<string> Master(HostConfig host, string logFile, string? controlPath = null)
    {
        var args = settings.ControlPersist is { } persist
            ? new List<string> { "-T", "-o", "ControlMaster=auto", "-o", "ControlPersist=" + Math.Max(1, (int)persist.TotalSeconds).ToString(CultureInfo.InvariantCulture) }
            : new List<string> { "-M", "-T", "-o", "ControlPersist=no" };
        args.AddRange(Common(host, logFile, verbosity: "-v", controlPath));
        args.AddRange(ConnectOptions(host));
        args.Add(host.Host);
        args.Add("--");
        args.Add(RemoteShell.RemoteCommand);
        return args;
    }

    /// <summary>A command over the existing master; ControlMaster=no so it never silently opens its own connection.</summary>
    public List<string> Command(HostConfig host, string logFile, string remoteCommand, string? controlPath = null)
    {
        // -vv: the mux client only logs "Received exit status from master" at debug2, which tells a real exit 255 apart
        // from a lost connection.
        var args = new List<string> { "-o", "ControlMaster=no" };
        args.AddRange(Common(host, logFile, verbosity: "-vv", controlPath));
        args.AddRange(ConnectOptions(host));
        args.Add(host.Host);
        args.Add("--");
        args.Add(remoteCommand);
        return args;
    }

    /// <summary>
    /// A command on a connection of its own (<see cref="ConnectionMode.Direct"/>). -v logs the server key and
    /// "Authenticated to", which tell a failed connect from a lost one, and the exit-status request.
    /// </summary>
    public List<string> Direct(HostConfig host, string logFile, string remoteCommand)
    {
        var args = new List<string> { "-o", "ControlMaster=no" };
        args.AddRange(Common(host, logFile, verbosity: "-v", controlPath: "none"));
        args.AddRange(ConnectOptions(host));
        args.Add(host.Host);
        args.Add("--");
        args.Add(remoteCommand);
        return args;
    }

    /// <summary>
    /// <c>ssh -G</c>: the configuration ssh would use for <paramref name="host"/> with our options, printed without
    /// connecting; what <see cref="ControlSocketName"/> digests.
    /// </summary>
    public List<string> Inspect(HostConfig host)
    {
        var args = new List<string> { "-G", "-o", "BatchMode=yes" };
        args.AddRange(Destination(host));
        args.AddRange(ConnectOptions(host));
        args.Add(host.Host);
        return args;
    }

    /// <summary><c>ssh -O exit</c>: asks the master listening on <paramref name="controlPath"/> to close its connection.</summary>
    public List<string> Exit(HostConfig host, string controlPath)
    {
        var args = new List<string> { "-O", "exit", "-o", "ControlPath=" + controlPath, "-o", "BatchMode=yes" };
        args.AddRange(Destination(host));
        args.Add(host.Host);
        return args;
    }

    /// <summary><c>sftp -b -</c> through the master: the batch is read from stdin; a failing line aborts it.</summary>
    public List<string> Sftp(HostConfig host)
    {
        var args = new List<string> { "-b", "-", "-o", "ControlMaster=no", "-o", "ControlPath=" + ControlPath, "-o", "BatchMode=yes" };
        if (settings.ConfigFile is { } config)
        {
            args.AddRange(["-F", ExpandHome(config)]);
        }

        if (host.Port is { } port)
        {
            args.AddRange(["-P", port.ToString(CultureInfo.InvariantCulture)]);
        }

        if ((host.User ?? settings.User) is { } user)
        {
            args.AddRange(["-o", "User=" + user]);
        }

        args.Add(host.Host);
        return args;
    }

    private List<string> Common(HostConfig host, string logFile, string verbosity, string? controlPath = null)
    {
        var args = new List<string> { "-o", "ControlPath=" + (controlPath ?? ControlPath), "-o", "BatchMode=yes" };
        args.AddRange(Destination(host));
        args.AddRange(["-E", logFile, verbosity]);
        return args;
    }

    /// <summary>Port, user and config file: what decides which master (%C) a client talks to.</summary>
    private List<string> Destination(HostConfig host)
    {
        var args = new List<string>();
        if (settings.ConfigFile is { } config)
        {
            args.AddRange(["-F", ExpandHome(config)]);
        }

        if (host.Port is { } port)
        {
            args.AddRange(["-p", port.ToString(CultureInfo.InvariantCulture)]);
        }

        if ((host.User ?? settings.User) is { } user)
        {
            args.AddRange(["-l", user]);
        }

        return args;
    }

    private List<string> ConnectOptions(HostConfig host)
    {
        var timeout = Math.Max(1, (int)Math.Ceiling(settings.ConnectTimeout.TotalSeconds));
        var args = new List<string>
        {
            "-o", "ConnectTimeout=" + timeout.ToString(CultureInfo.InvariantCulture),
            "-o", "StrictHostKeyChecking=" + (settings.HostKeyPolicy == HostKeyPolicy.AcceptNew ? "accept-new" : "yes"),
        };
        if (settings.KnownHosts is { } knownHosts)
        {
            args.AddRange(["-o", "UserKnownHostsFile=" + ExpandHome(knownHosts)]);
        }

        if ((host.IdentityFile ?? settings.IdentityFile) is { } identity)
        {
            // IdentitiesOnly: with an explicit key, do not let the agent offer five others first and hit MaxAuthTries.
            args.AddRange(["-i", ExpandHome(identity), "-o", "IdentitiesOnly=yes"]);
        }

        return args;
    }

    internal static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path[1..]
            : path;
}
