using System.Collections.Concurrent;
using System.Security.Cryptography;
using Slipway.Core.Config;
using Slipway.Remote.Processes;

namespace Slipway.Remote.Ssh;

/// <summary>
/// Reaches hosts through the system OpenSSH client, one ControlMaster connection per host. ssh itself reads
/// ~/.ssh/config, the agent and known_hosts, so aliases, ProxyJump and hashed host names work as in a terminal.
/// </summary>
public sealed class OpenSshTransport : ITransport
{
    private readonly SshSettings _settings;
    private readonly IReadOnlyDictionary<string, string?>? _environment;
    private readonly SshArguments _arguments;
    private readonly ConnectionMode _mode;
    private readonly PersistentControlPaths? _persistent;
    private readonly ConcurrentDictionary<string, OpenSshSession> _sessions = new(StringComparer.Ordinal);

    // Two concurrent connects to one host would start two masters on one socket path; the loser would keep a plain,
    // never-reused connection open. One gate per host; different hosts still connect in parallel.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _connectGates = new(StringComparer.Ordinal);
    private const string SetsidPath = "/usr/bin/setsid";
    private int _logCounter;
    private bool _disposed;

    /// <param name="settings">How to reach hosts.</param>
    /// <param name="environment">Extra environment for every ssh process (e.g. <c>SSH_AUTH_SOCK</c>); null values unset a variable.</param>
    /// <param name="mode">A master per host (the default), or a connection per command.</param>
    public OpenSshTransport(
        SshSettings settings, IReadOnlyDictionary<string, string?>? environment = null, ConnectionMode mode = ConnectionMode.Multiplexed)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _environment = environment;
        _mode = mode;
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The OpenSSH transport needs unix control sockets.");
        }

        // Short and private: unix socket paths are capped at 108 bytes, and the sockets grant access to live sessions.
        ControlDirectory = Path.Combine("/tmp", "slw-" + RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 8));
        Directory.CreateDirectory(ControlDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        SocketDirectory = settings.ControlPersist is null ? ControlDirectory : PersistentSockets.Directory();
        _arguments = new SshArguments(settings, SocketDirectory);
        _persistent = settings.ControlPersist is null ? null : new PersistentControlPaths(_arguments, environment, SocketDirectory);
    }

    /// <summary>Where this run's ssh logs (and, unless connections persist, its control sockets) live; removed on dispose.</summary>
    public string ControlDirectory { get; }

    /// <summary>
    /// Where the control sockets live: <see cref="ControlDirectory"/>, or with <see cref="SshSettings.ControlPersist"/>
    /// a private directory shared by this user's runs (<see cref="PersistentSockets"/>).
    /// </summary>
    public string SocketDirectory { get; }

    public async Task<IRemoteSession> ConnectAsync(HostConfig host, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(host);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var key = SessionKey(host);
        var gate = _connectGates.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            if (_sessions.TryGetValue(key, out var existing))
            {
                return existing;
            }

            // Direct: nothing to set up; the command's own connection reports host-key and auth failures.
            return _mode == ConnectionMode.Direct
                ? _sessions.GetOrAdd(key, new OpenSshSession(host, this, master: null))
                : await StartMasterAsync(host, key, ct);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<IRemoteSession> StartMasterAsync(HostConfig host, string key, CancellationToken ct)
    {
        // An explicit master rather than ControlMaster=auto on the first command. Measured with 5 hosts in parallel, one
        // command, 5 rounds: no real difference (medians 949 vs 976 ms, 1039 vs 1090 ms; docs/architecture.md). At equal
        // cost the explicit step wins: host-key and auth failures surface at connect time, and a command never races to
        // become the master.
        var log = NextLogFile("master");
        // A persisted master is reused only by a run that would open the very same connection (ControlSocketName).
        var controlPath = _persistent is null ? null : await _persistent.ForAsync(host, ct);
        // In a session of its own: a terminal's Ctrl-C goes to the whole foreground process group, and ssh quits on
        // SIGINT. The master must outlive it, because the undo after a Ctrl-C runs over this very connection.
        var psi = File.Exists(SetsidPath)
            ? ChildProcess.StartInfo(SetsidPath, ["ssh", .. _arguments.Master(host, log, controlPath)], _environment)
            : ChildProcess.StartInfo("ssh", _arguments.Master(host, log, controlPath), _environment);

        // ConnectTimeout covers TCP and the banner; the guard also bounds ProxyJump hops and slow authentication.
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var limit = (_settings.ConnectTimeout * 3) + TimeSpan.FromSeconds(10);
        guard.CancelAfter(limit);
        SshMaster? master;
        int exitCode;
        try
        {
            (master, exitCode) = await SshMaster.StartAsync(psi, log, guard.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new RemoteConnectionException(host.DisplayName, ConnectionFailure.Timeout,
                $"{host.DisplayName}: connecting took longer than {limit.TotalSeconds:0}s; ssh log: {ReadLog(log)}");
        }

        if (master is null)
        {
            throw SshErrorMessages.ForConnect(host, _settings, SshLogClassifier.ClassifyConnect(ReadLog(log)));
        }

        Slipway.Core.Diagnostics.Timeline.Mark($"master ready {host.DisplayName}");
        var session = new OpenSshSession(host, this, master, controlPath);
        return _sessions.GetOrAdd(key, session);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Slipway.Core.Diagnostics.Timeline.Mark("transport dispose");
        await Task.WhenAll(_sessions.Values.Select(s => s.DisposeAsync().AsTask()));
        Slipway.Core.Diagnostics.Timeline.Mark("transport disposed");
        foreach (var gate in _connectGates.Values)
        {
            gate.Dispose();
        }

        try
        {
            Directory.Delete(ControlDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A master killed after its stop limit may have left its socket behind while we listed the folder.
        }
    }

    internal SshSettings Settings => _settings;

    internal SshArguments Arguments => _arguments;

    internal IReadOnlyDictionary<string, string?>? Environment => _environment;

    internal string NextLogFile(string kind) =>
        Path.Combine(ControlDirectory, $"{kind}-{Interlocked.Increment(ref _logCounter)}.log");

    internal static string ReadLog(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>Forgets the session of <paramref name="host"/> and stops its master; later commands connect directly.</summary>
    internal async Task CloseMasterAsync(HostConfig host)
    {
        if (_sessions.TryRemove(SessionKey(host), out var session) && session.Master is { } master)
        {
            await master.DisposeAsync();
        }
    }

    private static string SessionKey(HostConfig host) => host.DisplayName + "|" + host.IdentityFile;
}
